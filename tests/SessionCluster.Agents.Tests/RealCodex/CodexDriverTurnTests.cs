using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server through <see cref="AgentRun"/> and <see cref="CodexDriver"/>: turns, commands, resume.</summary>
public sealed class CodexDriverTurnTests
{
    [Fact]
    public async Task A_multi_turn_session_answers_takes_a_respond_on_the_same_process_and_ends_when_input_ends()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("First answer."), Text("Shall I go on?"));
        using var rig = new CodexRig(server.ResponsesBaseUrl);
        var request = rig.Request("Say something", multiTurn: true);

        await using var run = rig.Start(request);
        var (first, next) = await rig.Listener.WaitForResultAsync(1, Deadlines.Agent);

        Assert.Equal((false, "completed", "First answer.", WaitingReason.NextTurn), (first.IsError, first.Subtype, first.ResultText, next));
        var (threadId, _) = Assert.Single(rig.Listener.SessionIds);
        Assert.Equal(threadId, first.AgentSessionId);
        Assert.Equal(new TokenUsage(10, 5, 0, 0), first.Usage);
        Assert.Equal(0m, first.TotalCostUsd);
        Assert.Contains(new AgentText("First answer."), rig.Listener.Events);

        await run.RespondAsync("And now?");
        var (second, afterSecond) = await rig.Listener.WaitForResultAsync(2, Deadlines.Agent);

        Assert.Equal(("Shall I go on?", WaitingReason.Question, threadId), (second.ResultText, afterSecond, second.AgentSessionId));
        Assert.Equal(["And now?"], server.TurnRequests[^1].UserTexts);
        Assert.Contains("First answer.", server.TurnRequests[^1].Body);
        Assert.Single(rig.Listener.Pids);

        run.EndInput();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);
        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));

        // The session's own CODEX_HOME, seeded from the node's, for the owner only.
        var home = Path.Combine(rig.HomesRoot, request.SessionId);
        Assert.Equal(File.ReadAllText(Path.Combine(rig.SeedHome, "config.toml")), File.ReadAllText(Path.Combine(home, "config.toml")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(home, "sessions"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task In_bypass_a_command_runs_without_a_request_and_is_reported_with_its_exit_code()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            ToolUse("exec_command", new { cmd = "printf bypass-ok > bypass.txt" }, "call_bypass"),
            Text("Written."));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Write it", PermissionMode.Bypass));
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("bypass-ok", File.ReadAllText(rig.InWorkdir("bypass.txt")));
        Assert.Empty(rig.Listener.PermissionRequests);
        var command = Assert.Single(rig.Listener.Events.OfType<AgentCommand>());
        Assert.Contains("printf bypass-ok > bypass.txt", command.Command);
        Assert.Equal((0, "completed"), (command.ExitCode, command.Status));
        Assert.Contains(rig.Listener.Events.OfType<AgentToolUse>(), t => t.Name == "command" && t.ToolUseId == command.ItemId);
        Assert.Equal("Written.", Assert.Single(rig.Listener.Results).Result.ResultText);
    }

    [Fact]
    public async Task A_resume_in_a_new_process_and_a_new_session_home_keeps_the_thread_and_sends_its_history()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("First answer."), Text("Walnut."));
        using var rig = new CodexRig(server.ResponsesBaseUrl);
        var firstRequest = rig.Request("remember the word walnut");
        string threadId;
        await using (var first = rig.Start(firstRequest))
        {
            Assert.Equal((0, null), ((await rig.Listener.WaitForExitAsync(Deadlines.Agent)).ExitCode, rig.Listener.Exits[0].ObservedFailure));
            threadId = rig.Listener.SessionIds.Single().Id;
        }

        var resumed = new RecordingListener();
        var second = rig.Request("which word?", resume: new ResumeLink(firstRequest.SessionId, threadId));
        await using var run = rig.Start(second, resumed);
        var exit = await resumed.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal(threadId, resumed.SessionIds.Single().Id);
        Assert.Equal(("Walnut.", threadId), (resumed.Results.Single().Result.ResultText, resumed.Results.Single().Result.AgentSessionId));
        var request = server.TurnRequests[^1];
        Assert.Equal(["which word?"], request.UserTexts);
        Assert.Contains("remember the word walnut", request.Body);
        Assert.Contains("First answer.", request.Body);
        Assert.True(Directory.Exists(Path.Combine(rig.HomesRoot, second.SessionId, "sessions")));
    }
}
