using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server: a turn stopped by turn/interrupt, and turns the model server fails.</summary>
public sealed class CodexInterruptAndFailureTests
{
    [Fact]
    public async Task Turn_interrupt_ends_a_streaming_turn_as_interrupted_and_the_process_takes_the_next_turn()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            SlowText([.. Enumerable.Repeat("slow ", 100)], TimeSpan.FromMilliseconds(200)),
            Text("After the interrupt."));
        await using var codex = CodexAppServerRig.Start(server);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;
        var threadId = await StartThreadAsync(codex, cancel);

        var turnId = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Talk slowly"), cancel))!;
        await server.WaitForTurnRequestAsync(1, Deadlines.Agent);
        var answer = await codex.RequestAsync(new CodexTurnInterrupt(threadId, turnId), cancel);
        var end = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == turnId, cancel);

        Assert.Equal("{}", answer.ResultJson);
        Assert.Equal("interrupted", end.Status);
        var next = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Go on"), cancel));
        Assert.Equal("completed", (await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == next, cancel)).Status);
        Assert.False(codex.Process.HasExited);
    }

    [Fact]
    public async Task Http_401_from_the_model_fails_the_turn_after_retries_and_the_process_stays()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(401, "bad key");
        await using var codex = CodexAppServerRig.Start(server);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;
        var threadId = await StartThreadAsync(codex, cancel);

        var turnId = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Hello"), cancel));
        var end = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == turnId, cancel);

        Assert.Equal("failed", end.Status);
        Assert.Contains("\"httpStatusCode\":401", end.ErrorJson);
        var errors = codex.Messages.OfType<CodexErrorNotification>().Where(e => e.TurnId == turnId).ToList();
        Assert.Contains(errors, e => e.WillRetry && e.Message.StartsWith("Reconnecting...", StringComparison.Ordinal));
        Assert.False(errors[^1].WillRetry);
        Assert.Contains(codex.Messages.OfType<CodexThreadStatusChanged>(), s => s.Status == "systemError");
        Assert.False(codex.Process.HasExited);
    }

    [Fact]
    public async Task Http_500_without_retries_fails_the_turn_after_one_request()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(500, "scripted outage");
        await using var codex = CodexAppServerRig.Start(server, maxRetries: 0);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;
        var threadId = await StartThreadAsync(codex, cancel);

        var turnId = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Hello"), cancel));
        var end = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == turnId, cancel);

        // codexErrorInfo is a plain string here, an object (httpConnectionFailed: {httpStatusCode}) for a 401.
        Assert.Equal("failed", end.Status);
        Assert.Contains("\"codexErrorInfo\":\"internalServerError\"", end.ErrorJson);
        Assert.False(Assert.Single(codex.Messages.OfType<CodexErrorNotification>(), e => e.TurnId == turnId).WillRetry);
        Assert.Single(server.TurnRequests);
        Assert.False(codex.Process.HasExited);
    }

    private static async Task<string> StartThreadAsync(CodexAppServerRig codex, CancellationToken cancel)
    {
        await codex.InitializeAsync(cancel);
        var thread = await codex.RequestAsync(
            new CodexThreadStart(codex.Workdir.Path, CodexTestEnvironment.Model, Sandbox: "workspace-write", ApprovalPolicy: "never"), cancel);
        return CodexResults.ThreadId(thread) ?? throw new InvalidOperationException(thread.RawJson);
    }
}
