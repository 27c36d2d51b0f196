using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Graceful leave with a live session (issue 9), through the real sessionctl against three real node processes: the
/// node asked to leave takes no new session and waits for the agent it runs, and at the drain timeout it leaves
/// anyway, the session interrupted ("node stopped"). Each test makes a different member leave the shared cluster.
/// </summary>
public sealed class GracefulLeaveTests(DrainingClusterFixture fixture) : IClassFixture<DrainingClusterFixture>
{
    private static readonly AgentUnderTest Claude = AgentUnderTest.Of("claude");

    private NodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_node_asked_to_leave_with_a_running_session_refuses_a_pinned_launch_and_leaves_once_the_session_has_completed()
    {
        var (first, leaving) = (Cluster.Nodes[0], Cluster.Nodes[1]);
        var gone = NodeCluster.AddressOf(leaving);
        var ctl = new Sessionctl(first);
        var prompt = $"slow {Guid.NewGuid():N}";

        // A turn held until the test has seen the node drain (a slow turn alone can end first on a busy machine), then
        // streamed slowly: 8 chunks a quarter second apart, the whole within the drain timeout.
        var release = new TaskCompletionSource();
        fixture.Model.Enqueue(ModelReply.Held(
            release.Task, ModelReply.SlowText([.. Enumerable.Range(1, 8).Select(i => $"part {i} ")], TimeSpan.FromMilliseconds(250))));
        var slow = await ctl.SessionAsync(Claude.Launch(Cluster.NewWorkdir(), prompt, "--single-turn", "--node", gone));
        await fixture.Model.WaitForRequestAsync(r => r.IsTurn && r.Body.Contains(prompt, StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var asked = await ctl.RunAsync("cluster", "leave", gone);
        Assert.True(asked.ExitCode == 0, $"cluster leave: {asked}");
        var said = asked.Stdout.Trim().Split('\n');
        Assert.Matches(
            $@"^asked {Regex.Escape(gone)} to leave the cluster: it takes no new session and leaves once its 1 live session\(s\) have ended, " +
            @"by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC at the latest \(then they are interrupted\)$",
            said[0]);
        Assert.Equal([$"live: {slow.Id}"], said[1..]);

        // Draining: a launch pinned to it is refused, an unpinned one goes to another node, while its session still runs.
        var pinned = await ctl.RunAsync([.. Claude.Launch(Cluster.NewWorkdir(), "pinned", "--node", gone)]);
        Assert.True(pinned.ExitCode == 1, $"launch pinned to a leaving node: {pinned}");
        Assert.Matches(@"^sessionctl: node \S+ is leaving the cluster and takes no new session", pinned.Stderr);
        fixture.Model.Enqueue(ModelReply.Text("Elsewhere."));
        var elsewhere = await ctl.SessionAsync(Claude.Launch(Cluster.NewWorkdir(), "elsewhere"));
        Assert.Equal("running", (await ctl.SessionAsync("show", slow.Id)).Status);
        Assert.Contains(gone, (await ClusterAsync(first)).Members.Select(m => m.Address));

        // The session finishes its turn (it is not interrupted), then the node leaves and stops.
        release.SetResult();
        Assert.NotEqual(gone, (await ctl.WaitAsync(elsewhere.Id, "waiting-for-input")).Node);
        var done = await ctl.WaitAsync(slow.Id, "completed,failed,interrupted,killed");
        Assert.Equal(("completed", 1, gone), (done.Status, done.TurnsCompleted, done.Node));
        Assert.Null(done.StopReason);
        await LeftAsync(first, leaving);
        Assert.Equal("waiting-for-input", (await ctl.SessionAsync("show", elsewhere.Id)).Status);
    }

    [Fact]
    public async Task A_node_asked_to_leave_with_a_session_waiting_for_input_leaves_at_the_drain_timeout_and_the_session_reads_interrupted()
    {
        var (first, leaving) = (Cluster.Nodes[0], Cluster.Nodes[2]);
        var gone = NodeCluster.AddressOf(leaving);
        var ctl = new Sessionctl(first);
        fixture.Model.Enqueue(ModelReply.Text("Waiting for you."));
        var held = await ctl.SessionAsync(Claude.Launch(Cluster.NewWorkdir(), "wait for me", "--node", gone));
        await ctl.WaitAsync(held.Id, "waiting-for-input");

        var clock = Stopwatch.StartNew();
        var asked = await ctl.RunAsync("cluster", "leave", gone);
        Assert.True(asked.ExitCode == 0, $"cluster leave: {asked}");
        Assert.Contains("leaves once its 1 live session(s) have ended", asked.Stdout);
        Assert.Contains($"live: {held.Id}", asked.Stdout);

        // It waits out the drain timeout (the session does not end by itself), then leaves.
        await LeftAsync(first, leaving);
        Assert.True(clock.Elapsed >= DrainingClusterFixture.DrainTimeout, $"the node left {clock.Elapsed} after being asked, before its drain timeout");

        var interrupted = await ctl.SessionAsync("show", held.Id);
        Assert.Equal(("interrupted", "node stopped", gone), (interrupted.Status, interrupted.StopReason, interrupted.Node));
        Assert.Null(interrupted.Error);
        var shown = await ctl.RunAsync("show", held.Id);
        Assert.Contains(shown.Stdout.Split('\n'), l => l.Contains("stop reason") && l.Contains("node stopped"));
    }

    /// <summary>Waits until <paramref name="leaving"/>'s process has exited and <paramref name="first"/> no longer lists it.</summary>
    private static async Task LeftAsync(NodeProcess first, NodeProcess leaving)
    {
        var gone = NodeCluster.AddressOf(leaving);
        // A leave is a clean stop: exit 0.
        Assert.Equal(0, await leaving.WaitForExitAsync(DrainingClusterFixture.DrainTimeout + TimeSpan.FromSeconds(60), "after leaving the cluster"));
        await Eventually.HoldsAsync(
            async () => Assert.DoesNotContain(gone, (await ClusterAsync(first)).Members.Select(m => m.Address)),
            30);
    }

    /// <summary><c>cluster show</c> through sessionctl on <paramref name="node"/>.</summary>
    private static async Task<ClusterDto> ClusterAsync(NodeProcess node)
    {
        var shown = await SessionctlProcess.RunAsync(node, "cluster", "show", "--json");
        Assert.True(shown.ExitCode == 0, $"cluster show: {shown}");
        return JsonSerializer.Deserialize<ClusterDto>(shown.Stdout, Api.Json)!;
    }
}
