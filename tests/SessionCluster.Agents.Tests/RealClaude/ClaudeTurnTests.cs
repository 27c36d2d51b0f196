using System.Text.Json;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>The real claude against the scripted model server: turns that work.</summary>
public sealed class ClaudeTurnTests
{
    private static readonly AgentRunOptions Options = AgentRunOptions.Default;

    [Fact]
    public async Task A_plain_text_turn_reports_its_session_its_text_its_cost_and_a_clean_exit()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("Hello from the scripted model"));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Say hello", rig.Env(server.BaseUrl)), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        var (sessionId, _) = Assert.Single(rig.Listener.SessionIds);
        Assert.True(Guid.TryParse(sessionId, out _), sessionId);
        Assert.Contains(new AgentText("Hello from the scripted model"), rig.Listener.Events);
        var (result, next) = Assert.Single(rig.Listener.Results);
        Assert.False(result.IsError);
        Assert.True(result.TotalCostUsd > 0, $"cost {result.TotalCostUsd}");
        Assert.Equal((1, "Hello from the scripted model", sessionId, WaitingReason.NextTurn), (result.NumTurns, result.ResultText, result.AgentSessionId, next));
        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        Assert.Equal("Hello from the scripted model", exit.OutputTail);

        var request = Assert.Single(server.TurnRequests);
        Assert.Contains("Say hello", request.UserTexts);
        Assert.Equal(AgentTestEnvironment.TestApiKey, request.Headers["x-api-key"]);
        Assert.True(request.Stream);
    }

    [Fact]
    public async Task A_bash_tool_use_really_runs_and_its_output_goes_back_to_the_model()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            ToolUse("Bash", new { command = "echo hi > made-by-tool.txt && cat made-by-tool.txt", description = "Write a file" }, "toolu_test_1"),
            Text("The file says hi."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(
            ClaudeRig.Driver("--allowedTools", "Bash"), rig.Request("Write a file", rig.Env(server.BaseUrl)), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(rig.Workdir.Path, "made-by-tool.txt")));

        var use = Assert.Single(rig.Listener.Events.OfType<AgentToolUse>());
        Assert.Equal(("toolu_test_1", "Bash"), (use.ToolUseId, use.Name));
        using (var input = JsonDocument.Parse(use.InputJson))
        {
            Assert.Equal("echo hi > made-by-tool.txt && cat made-by-tool.txt", input.RootElement.GetProperty("command").GetString());
        }

        Assert.Equal(new AgentToolResult("toolu_test_1", "hi", false), Assert.Single(rig.Listener.Events.OfType<AgentToolResult>()));
        Assert.Equal(2, server.TurnRequests.Count);
        Assert.Equal(new ModelToolResult("toolu_test_1", "hi", false), Assert.Single(server.TurnRequests[1].ToolResults));
        Assert.Equal(2, Assert.Single(rig.Listener.Results).Result.NumTurns);
    }

    [Fact]
    public async Task Several_turns_go_through_stdin_to_one_process()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            Text("First answer."), Text("Second answer. Anything else?"), Text("Third answer."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(
            ClaudeRig.Driver(), rig.Request("first prompt", rig.Env(server.BaseUrl), multiTurn: true), Options, rig.Listener);
        var pid = run.Pid;
        var first = await rig.Listener.WaitForResultAsync(1, Deadlines.Agent);
        await run.RespondAsync("second prompt");
        var second = await rig.Listener.WaitForResultAsync(2, Deadlines.Agent);
        await run.RespondAsync("third prompt");
        var third = await rig.Listener.WaitForResultAsync(3, Deadlines.Agent);
        run.EndInput();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal(
            [("First answer.", WaitingReason.NextTurn), ("Second answer. Anything else?", WaitingReason.Question), ("Third answer.", WaitingReason.NextTurn)],
            new[] { first, second, third }.Select(r => (r.Result.ResultText, r.Next)));
        Assert.True(first.Result.TotalCostUsd < second.Result.TotalCostUsd && second.Result.TotalCostUsd < third.Result.TotalCostUsd);
        Assert.Equal([pid], rig.Listener.Pids);
        Assert.Single(rig.Listener.SessionIds);
        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));

        var turns = server.TurnRequests;
        Assert.Equal(3, turns.Count);
        Assert.Contains("third prompt", turns[2].UserTexts);
        Assert.True(turns[0].MessageCount < turns[1].MessageCount && turns[1].MessageCount < turns[2].MessageCount);
    }

    [Fact]
    public async Task A_resume_continues_the_same_conversation_with_its_history()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("Remember the word: heron."), Text("The word was heron."));
        using var rig = new ClaudeRig();
        var env = rig.Env(server.BaseUrl);

        await using (var first = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Pick a word", env), Options, rig.Listener))
        {
            await rig.Listener.WaitForExitAsync(Deadlines.Agent);
        }

        var sessionId = Assert.Single(rig.Listener.SessionIds).Id;
        var resumed = new RecordingListener();
        await using var second = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Which word?", env, resume: sessionId), Options, resumed);
        var exit = await resumed.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal(sessionId, Assert.Single(resumed.SessionIds).Id);
        Assert.Equal("The word was heron.", Assert.Single(resumed.Results).Result.ResultText);
        var resumedRequest = server.TurnRequests[1];
        Assert.Contains("Which word?", resumedRequest.UserTexts);
        Assert.Contains("Remember the word: heron.", resumedRequest.Body);
    }

    [Fact]
    public async Task Visible_thinking_is_reported_before_the_answer()
    {
        await using var server = await ScriptedModelServer.StartAsync(Thinking("The user wants a greeting.", "Hi!"));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Greet me", rig.Env(server.BaseUrl)), Options, rig.Listener);
        await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        var events = rig.Listener.Events;
        var thinking = events.ToList().FindIndex(e => e is AgentThinking { Text: "The user wants a greeting." });
        var text = events.ToList().FindIndex(e => e is AgentText { Text: "Hi!" });
        Assert.True(thinking >= 0 && text > thinking, string.Join(" | ", events));
    }
}
