using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>
/// The real claude asks before a Bash command that writes a file (no --allowedTools here), and a person's answer
/// decides whether it runs.
/// </summary>
public sealed class ClaudePermissionTests
{
    private const string Command = "printf perm-ok > perm-marker.txt";

    private static readonly AgentRunOptions Options = AgentRunOptions.Default;

    [Fact]
    public async Task In_ask_mode_the_bash_command_waits_for_an_allow_and_then_runs()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_allow"), Text("Marker written."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Ask), Options, rig.Listener);
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);

        Assert.Equal(("Bash", Command), (request.Tool, request.Summary));
        Assert.Contains(request, rig.Listener.Events);
        Assert.False(File.Exists(Marker(rig)), "the command ran before anyone answered");
        Assert.Empty(rig.Listener.Results);

        await run.AnswerPermissionAsync(request.RequestId, allow: true);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal("perm-ok", File.ReadAllText(Marker(rig)));
        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        var (result, _) = Assert.Single(rig.Listener.Results);
        Assert.Equal((false, "Marker written."), (result.IsError, result.ResultText));
        Assert.Single(rig.Listener.PermissionRequests);
        var toolResult = Assert.Single(server.TurnRequests[1].ToolResults);
        Assert.Equal(("toolu_perm_allow", false), (toolResult.ToolUseId, toolResult.IsError));
    }

    [Fact]
    public async Task A_deny_keeps_the_command_from_running_and_tells_the_model_why_and_the_turn_goes_on()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_deny"), Text("Understood, I will not write it."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Ask), Options, rig.Listener);
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);
        await run.AnswerPermissionAsync(request.RequestId, allow: false, "Not on this machine, please.");
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.False(File.Exists(Marker(rig)));
        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        var (result, _) = Assert.Single(rig.Listener.Results);
        Assert.Equal((false, "Understood, I will not write it."), (result.IsError, result.ResultText));

        // Claude hands the message to the model as an error tool result, word for word.
        Assert.Equal(2, server.TurnRequests.Count);
        Assert.Equal(new ModelToolResult("toolu_perm_deny", "Not on this machine, please.", true), Assert.Single(server.TurnRequests[1].ToolResults));
        Assert.Contains(new AgentToolResult("toolu_perm_deny", "Not on this machine, please.", true), rig.Listener.Events);
    }

    [Fact]
    public async Task A_request_is_answered_once_and_an_unknown_one_is_refused()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_once"), Text("Done."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Ask), Options, rig.Listener);
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run.AnswerPermissionAsync("no-such-request", allow: true));
        await run.AnswerPermissionAsync(request.RequestId, allow: true);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => run.AnswerPermissionAsync(request.RequestId, allow: false));
        Assert.Contains(request.RequestId, again.Message);

        await rig.Listener.WaitForExitAsync(Deadlines.Agent);
        Assert.True(File.Exists(Marker(rig)));
    }

    [Fact]
    public async Task In_accept_edits_mode_a_write_in_the_working_directory_runs_without_asking()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_edits"), Text("Marker written."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.AcceptEdits), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("perm-ok", File.ReadAllText(Marker(rig)));
        Assert.Empty(rig.Listener.PermissionRequests);
        Assert.DoesNotContain(rig.Listener.Events, e => e is AgentPermissionRequest or AgentPermissionDenied);
    }

    [Fact]
    public async Task A_request_pending_when_the_process_dies_can_no_longer_be_answered()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_killed"), Text("Done."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Ask), Options, rig.Listener);
        var request = await rig.Listener.WaitForPermissionRequestAsync(1, Deadlines.Agent);
        run.Kill();
        await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run.AnswerPermissionAsync(request.RequestId, allow: true));
        Assert.Contains("exited", e.Message);
        Assert.False(File.Exists(Marker(rig)));
    }

    [Fact]
    public async Task In_plan_mode_the_write_is_refused_without_a_request_and_the_refusal_is_reported()
    {
        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_plan"), Text("I will only plan."));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Plan), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, null), (exit.ExitCode, exit.ObservedFailure));
        Assert.False(File.Exists(Marker(rig)));
        Assert.Empty(rig.Listener.PermissionRequests);
        var denied = Assert.Single(rig.Listener.Events.OfType<AgentPermissionDenied>());
        Assert.Equal(("toolu_perm_plan", "Bash"), (denied.ToolUseId, denied.Tool));
        Assert.False(string.IsNullOrWhiteSpace(denied.Message));
        Assert.True(Assert.Single(server.TurnRequests[1].ToolResults).IsError);
        Assert.Equal(1, Assert.Single(rig.Listener.Results).Result.PermissionDenials);
    }

    [Fact]
    public async Task Bypass_on_this_root_machine_is_refused_before_claude_starts()
    {
        if (!Libc.IsRoot())
        {
            // The refusal is for nodes that run as root; elsewhere claude takes bypass.
            return;
        }

        await using var server = await ScriptedModelServer.StartAsync(WriteMarker("toolu_perm_bypass"));
        using var rig = new ClaudeRig();

        var e = Assert.Throws<AgentStartException>(() =>
            AgentRun.Start(ClaudeRig.Driver(), rig.Request("Write the marker", rig.Env(server.BaseUrl), mode: PermissionMode.Bypass), Options, rig.Listener));

        Assert.Equal(ErrorKind.AgentError, e.Kind);
        Assert.Contains("bypass cannot run as root", e.Message);
        Assert.Empty(rig.Listener.Pids);
        Assert.Empty(server.Requests);
    }

    private static ToolUseReply WriteMarker(string id) => ToolUse("Bash", new { command = Command, description = "Write the marker" }, id);

    private static string Marker(ClaudeRig rig) => Path.Combine(rig.Workdir.Path, "perm-marker.txt");
}
