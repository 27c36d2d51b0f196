using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server: a thread resumed by a new process.</summary>
public sealed class CodexResumeTests
{
    [Fact]
    public async Task Thread_resume_in_a_new_process_keeps_the_thread_and_sends_its_history()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("First answer."), Text("Second answer."));
        await using var first = CodexAppServerRig.Start(server);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;
        await first.InitializeAsync(cancel);
        var threadId = CodexResults.ThreadId(await first.RequestAsync(
            new CodexThreadStart(first.Workdir.Path, CodexTestEnvironment.Model, Sandbox: "workspace-write", ApprovalPolicy: "never"), cancel))!;
        var turn = CodexResults.TurnId(await first.RequestAsync(CodexTurnStart.Text(threadId, "remember the word walnut"), cancel));
        Assert.Equal("completed", (await first.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == turn, cancel)).Status);
        first.Process.CloseInput();
        Assert.Equal(0, (await first.Process.Exited.WaitAsync(cancel)).ExitCode);

        await using var second = first.SameHomeAgain();
        await second.InitializeAsync(cancel);
        var resumed = await second.RequestAsync(
            new CodexThreadResume(threadId, second.Workdir.Path, CodexTestEnvironment.Model, Sandbox: "workspace-write", ApprovalPolicy: "never"), cancel);
        Assert.Equal(threadId, CodexResults.ThreadId(resumed));
        Assert.Contains("First answer.", resumed.ResultJson);

        var next = CodexResults.TurnId(await second.RequestAsync(CodexTurnStart.Text(threadId, "which word?"), cancel));
        Assert.Equal("completed", (await second.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == next, cancel)).Status);

        var request = server.TurnRequests[^1];
        Assert.Equal(["which word?"], request.UserTexts);
        Assert.Contains("remember the word walnut", request.Body);
        Assert.Contains("First answer.", request.Body);
    }
}
