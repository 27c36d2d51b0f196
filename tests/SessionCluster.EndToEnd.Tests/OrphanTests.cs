using System.Diagnostics;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A node killed with SIGKILL takes its agents with it, without waiting for the node to come back.</summary>
public sealed class OrphanTests(OrphanTests.BashAllowedNode fixture) : IClassFixture<OrphanTests.BashAllowedNode>
{
    /// <summary>Claude runs its Bash tool without asking: the commands here would ask in any mode a root node can run.</summary>
    public sealed class BashAllowedNode : NodeFixture
    {
        protected override string ExtraHocon => """sessioncluster.agents.claude.extra-args = ["--allowedTools", "Bash"]""";
    }

    [Fact]
    public async Task After_a_sigkill_of_the_node_no_process_of_its_sessions_is_left_within_10_seconds()
    {
        // Ten-minute commands in claude's Bash tool: one detached into a session of its own, one in the foreground.
        // Claude keeps running while its tool does, even once its stdin (the dead node's pipe) has ended.
        var tag = $"orphan-{Guid.NewGuid():N}";
        fixture.Model.Enqueue(ModelReply.ToolUse("Bash", new
        {
            command = $"setsid -f python3 -c 'import time; time.sleep(600)' detached-{tag}; python3 -c 'import time; time.sleep(600)' foreground-{tag}",
            description = "Sleep for ten minutes",
        }));
        var launched = await fixture.Ctl.SessionAsync("launch", "--workdir", fixture.Workdir, "--prompt", "sleep");
        await LiveProcesses.WaitUntilAsync(
            () => LiveProcesses.WithArgument($"detached-{tag}").Count > 0 && LiveProcesses.WithArgument($"foreground-{tag}").Count > 0,
            TimeSpan.FromSeconds(60),
            () => $"the tool's commands did not start; node:\n{fixture.Node.Output}");
        var claude = (await fixture.Ctl.SessionAsync("show", launched.Id)).Pid ?? throw new InvalidOperationException("the session has no pid");
        var claudeStart = LiveProcesses.StartTime(claude);
        var home = Path.Combine(fixture.Temp, "home");
        Assert.NotEmpty(LiveProcesses.WithVariable("HOME", home));

        var clock = Stopwatch.StartNew();
        await fixture.Node.CrashAsync();

        // Everything the node started had the node's HOME: its agents, what they started, its reaper.
        await LiveProcesses.WaitUntilAsync(
            () => !LiveProcesses.IsRunning(claude, claudeStart)
                && LiveProcesses.WithArgument(tag).Count == 0
                && LiveProcesses.WithVariable("HOME", home).Count == 0,
            TimeSpan.FromSeconds(10) - clock.Elapsed,
            () => $"left after {clock.Elapsed.TotalSeconds:F1} s: {string.Join(" | ", LiveProcesses.WithVariable("HOME", home))}");
    }
}
