using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server against the scripted Responses API: turns that work.</summary>
public sealed class CodexTurnTests
{
    [Fact]
    public async Task A_turn_runs_the_scripted_command_in_the_workspace_answers_and_a_second_turn_follows_on_the_same_process()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            ToolUse("exec_command", new { cmd = "printf codex-ok > marker.txt" }, "call_marker"),
            Text("The marker is written."),
            Text("Second answer."));
        await using var codex = CodexAppServerRig.Start(server);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;

        var initialized = await codex.InitializeAsync(cancel);
        Assert.Contains(codex.Env["CODEX_HOME"], initialized.ResultJson);
        var thread = await codex.RequestAsync(
            new CodexThreadStart(codex.Workdir.Path, CodexTestEnvironment.Model, Sandbox: "workspace-write", ApprovalPolicy: "never"), cancel);
        var threadId = CodexResults.ThreadId(thread);
        Assert.False(string.IsNullOrEmpty(threadId), thread.RawJson);

        var first = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Write the marker file"), cancel));
        var firstEnd = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == first, cancel);

        Assert.Equal(("completed", threadId), (firstEnd.Status, firstEnd.ThreadId));
        Assert.Equal("codex-ok", File.ReadAllText(codex.Workdir.Combine("marker.txt")));
        var command = Completed(codex, first, "commandExecution");
        Assert.Contains("printf codex-ok > marker.txt", command.Command);
        Assert.Equal((0, "completed"), (command.ExitCode, command.Status));
        Assert.Equal("The marker is written.", Completed(codex, first, "agentMessage").Text);
        var usage = codex.Messages.OfType<CodexTokenUsageUpdated>().Where(u => u.TurnId == first).ToList();
        Assert.NotEmpty(usage);

        // Each model call of the scripted server reports 10 in and 5 out; the turn made two.
        Assert.Equal(new CodexTokenCounts(10, 0, 5, 0, 15), usage[^1].Last);
        Assert.Equal(30, usage[^1].Total.TotalTokens);
        Assert.Contains("call_marker", server.TurnRequests[1].FunctionCallOutputs.Select(o => o.CallId));
        Assert.Contains("exited with code 0", server.TurnRequests[1].FunctionCallOutputs.Single().Output);

        var second = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Anything else?"), cancel));
        var secondEnd = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == second, cancel);

        Assert.NotEqual(first, second);
        Assert.Equal("completed", secondEnd.Status);
        Assert.Equal("Second answer.", Completed(codex, second, "agentMessage").Text);
        Assert.Equal(3, server.TurnRequests.Count);
        Assert.Equal(["Anything else?"], server.TurnRequests[2].UserTexts);

        // The history went with it: the model saw the first turn's command and its output.
        Assert.Contains("call_marker", server.TurnRequests[2].FunctionCallOutputs.Select(o => o.CallId));
        Assert.All(server.TurnRequests, r => Assert.Equal($"Bearer {AgentTestEnvironment.TestApiKey}", r.Headers["authorization"]));

        codex.Process.CloseInput();
        var exit = await codex.Process.Exited.WaitAsync(cancel);
        Assert.Equal(ProcessExitStatus.FromExitCode(0), exit);
    }

    private static CodexItem Completed(CodexAppServerRig codex, string? turnId, string type) =>
        Assert.Single(codex.Messages.OfType<CodexItemEvent>(), e => e.Completed && e.TurnId == turnId && e.Item.Type == type).Item;
}
