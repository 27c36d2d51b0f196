using System.Text.Json;
using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Agents.Tests.CodexAppServer;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server asking the client before it runs a command.</summary>
public sealed class CodexApprovalTests
{
    [Fact]
    public async Task Under_untrusted_a_command_waits_for_approval_and_runs_once_accepted()
    {
        await using var server = await ScriptedModelServer.StartAsync(
            ToolUse("exec_command", new { cmd = "printf approved > approved.txt" }, "call_approve"),
            Text("Done after approval."));
        await using var codex = CodexAppServerRig.Start(server);
        using var deadline = new CancellationTokenSource(Deadlines.Agent);
        var cancel = deadline.Token;
        await codex.InitializeAsync(cancel);
        var threadId = CodexResults.ThreadId(await codex.RequestAsync(
            new CodexThreadStart(codex.Workdir.Path, CodexTestEnvironment.Model, Sandbox: "workspace-write", ApprovalPolicy: "untrusted"), cancel))!;

        var turnId = CodexResults.TurnId(await codex.RequestAsync(CodexTurnStart.Text(threadId, "Write it"), cancel));
        var ask = await codex.WaitForAsync<CodexServerRequest>(r => r.Method == "item/commandExecution/requestApproval", cancel);

        Assert.False(File.Exists(codex.Workdir.Combine("approved.txt")));
        using var id = JsonDocument.Parse(ask.RawJson);
        var asked = id.RootElement.GetProperty("params");
        Assert.Equal((threadId, turnId, "call_approve"), (
            asked.GetProperty("threadId").GetString(), asked.GetProperty("turnId").GetString(), asked.GetProperty("itemId").GetString()));
        var answer = JsonRpcLine.Response(id.RootElement.GetProperty("id"), new CodexCommandApproval("accept"));
        await codex.Process.WriteLineAsync(answer, cancel);
        var end = await codex.WaitForAsync<CodexTurnCompleted>(c => c.TurnId == turnId, cancel);

        Assert.Equal("completed", end.Status);
        Assert.Equal("approved", File.ReadAllText(codex.Workdir.Combine("approved.txt")));
        using var written = JsonDocument.Parse(answer);
        Assert.Empty(CodexSchema.Problems(
            CodexSchema.Load("CommandExecutionRequestApprovalResponse.json"), written.RootElement.GetProperty("result").GetRawText()));
    }
}
