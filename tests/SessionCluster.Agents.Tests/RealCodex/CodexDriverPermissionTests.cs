using System.Text.Json;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server asks before a command in ask mode, and a person's answer decides.</summary>
public sealed class CodexDriverPermissionTests
{
    private const string Command = "printf perm-ok > perm.txt";

    [Fact]
    public async Task In_ask_mode_the_command_waits_for_an_allow_and_then_runs()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("call_allow"), Text("Marker written."));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Write the marker"));
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);

        Assert.Equal("command", request.Tool);
        Assert.Contains(Command, request.Summary);
        Assert.Equal("call_allow", JsonDocument.Parse(request.InputJson).RootElement.GetProperty("itemId").GetString());
        Assert.False(File.Exists(rig.InWorkdir("perm.txt")), "the command ran before anyone answered");
        Assert.Empty(rig.Listener.Results);

        await run.AnswerPermissionAsync(request.RequestId, allow: true);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("perm-ok", File.ReadAllText(rig.InWorkdir("perm.txt")));
        var (result, _) = Assert.Single(rig.Listener.Results);
        Assert.Equal((false, "Marker written.", 0), (result.IsError, result.ResultText, result.PermissionDenials));
    }

    [Fact]
    public async Task A_deny_keeps_the_command_from_running_the_model_hears_of_it_and_the_turn_goes_on()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("call_deny"), Text("Understood, I will not."));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Write the marker"));
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);
        await run.AnswerPermissionAsync(request.RequestId, allow: false, "Not here.");
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.False(File.Exists(rig.InWorkdir("perm.txt")));
        var (result, _) = Assert.Single(rig.Listener.Results);
        Assert.Equal((false, "Understood, I will not.", 1), (result.IsError, result.ResultText, result.PermissionDenials));
        var refusal = Assert.Single(server.TurnRequests[1].FunctionCallOutputs, o => o.CallId == "call_deny");
        Assert.Contains("rejected", refusal.Output, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.AnswerPermissionAsync(request.RequestId, allow: true));
    }

    [Fact]
    public async Task In_accept_edits_a_command_inside_the_workspace_runs_without_a_request()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("call_edits"), Text("Done."));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Write the marker", PermissionMode.AcceptEdits));
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("perm-ok", File.ReadAllText(rig.InWorkdir("perm.txt")));
        Assert.Empty(rig.Listener.PermissionRequests);
    }

    private static ToolUseReply WriteMarker(string id) => ToolUse("exec_command", new { cmd = Command }, id);
}
