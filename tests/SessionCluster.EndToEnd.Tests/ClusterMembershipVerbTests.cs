using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The pbm-style verbs that change the membership, through the real sessionctl against a live cluster of three real
/// node processes of each test's own (the test takes it apart): <c>cluster leave</c> seen live by <c>cluster tail</c>,
/// the node coming back seen joining, and <c>cluster unreachable</c>, <c>cluster down</c> and <c>cluster down-unreachable</c> after SIGKILLs.
/// </summary>
public sealed class ClusterMembershipVerbTests(MembershipFixture fixture) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task Tail_sees_a_member_leave_live_the_leaving_nodes_tail_ends_with_an_error_and_ctrl_c_ends_the_other()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var (first, leaving) = (cluster.Nodes[0], cluster.Nodes[2]);
        var gone = NodeCluster.AddressOf(leaving);
        await using var tail = FollowingSessionctl.Start(first, "cluster", "tail");
        await using var doomed = FollowingSessionctl.Start(leaving, "cluster", "tail");
        await tail.WaitForLineAsync(l => l.Contains(" LeaderChanged "), "the snapshot's LeaderChanged");
        await doomed.WaitForLineAsync(l => l.Contains(" LeaderChanged "), "the snapshot's LeaderChanged");
        Assert.Contains(tail.Lines, l => l.Contains($" MemberUp {gone} ") && l.EndsWith(" (current)"));

        Assert.Equal($"asked {gone} to leave the cluster: no live session, it leaves now", (await OkAsync(first, "cluster", "leave", gone)).Trim());

        var removed = await tail.WaitForLineAsync(l => l.Contains($" MemberRemoved {gone} "), $"MemberRemoved {gone}");
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] MemberRemoved \S+ roles: agent-host, node-id-[0-9a-f]+ status: removed$", removed);
        var live = tail.Lines.SkipWhile(l => l.EndsWith(" (current)")).ToList();
        Assert.Contains(live, l => l.Contains($" MemberLeft {gone} ") || l.Contains($" MemberExited {gone} "));
        Assert.DoesNotContain(live, l => l.EndsWith(" (current)"));

        // The node that left stops: its tail says so and fails.
        var (code, stderr) = await doomed.ExitAsync(60);
        Assert.Equal(3, code);
        Assert.StartsWith("sessionctl: stopped following the cluster's events: ", stderr.Trim());

        await Eventually.HoldsAsync(async () =>
            Assert.EndsWith("Count: 2 nodes", (await OkAsync(first, "cluster", "show")).Trim()), 30);

        // It comes back (same data dir and ports, --seed the first node): the tail sees it join, live.
        await leaving.CrashAsync(); // it has stopped, or is about to: make sure its ports are free
        await leaving.StartAgainAsync();
        var rejoined = await tail.WaitForLineAsync(
            l => l.Contains($" MemberUp {gone} ") && !l.EndsWith(" (current)"), $"a live MemberUp {gone}");
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] MemberUp \S+ roles: agent-host, node-id-[0-9a-f]+ status: up$", rejoined);
        await cluster.WaitUntilMembersAsync(cluster.Nodes, TimeSpan.FromSeconds(60));

        tail.Interrupt();
        Assert.Equal((0, string.Empty), await tail.ExitAsync(30));
    }

    [Fact]
    public async Task A_sigkilled_node_is_listed_unreachable_and_down_and_down_unreachable_remove_killed_nodes()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var first = cluster.Nodes[0];
        var (second, third) = (NodeCluster.AddressOf(cluster.Nodes[1]), NodeCluster.AddressOf(cluster.Nodes[2]));

        await cluster.Nodes[2].CrashAsync();
        var unreachable = await UnreachableAsync(first, third);
        Assert.Equal(2, unreachable.Length);
        Assert.Matches(@"\| up\s+\| unreachable\s+\|", unreachable[0]);
        Assert.Equal("Count: 1 nodes", unreachable[1]);
        Assert.Equal(third, Assert.Single((await JsonAsync<ClusterDto>(first, "cluster", "show")).Members, m => !m.Reachable).Address);

        Assert.Equal($"marked {third} down", (await OkAsync(first, "cluster", "down", third)).Trim());
        await Eventually.HoldsAsync(async () =>
            Assert.Equal(new[] { NodeCluster.AddressOf(first), second }.Order(StringComparer.Ordinal), (await JsonAsync<ClusterDto>(first, "cluster", "show")).Members.Select(m => m.Address).Order(StringComparer.Ordinal)), 30);
        Assert.Equal("no unreachable nodes", (await OkAsync(first, "cluster", "unreachable")).Trim());

        await cluster.Nodes[1].CrashAsync();
        await UnreachableAsync(first, second);
        Assert.Equal([$"marked {second} down", "Count: 1 nodes"], (await OkAsync(first, "cluster", "down-unreachable")).Trim().Split('\n'));
        await Eventually.HoldsAsync(async () =>
            Assert.Equal(NodeCluster.AddressOf(first), Assert.Single((await JsonAsync<ClusterDto>(first, "cluster", "show")).Members).Address), 30);
        Assert.Equal("no unreachable nodes to down", (await OkAsync(first, "cluster", "down-unreachable")).Trim());
        Assert.Equal(NodeCluster.AddressOf(first), (await OkAsync(first, "cluster", "leader")).Trim());
    }

    /// <summary>The lines of <c>cluster unreachable</c> once they list <paramref name="address"/> (the member's row, then the count).</summary>
    private static async Task<string[]> UnreachableAsync(NodeProcess node, string address)
    {
        string[] lines = [];
        await Eventually.HoldsAsync(async () =>
        {
            lines = (await OkAsync(node, "cluster", "unreachable")).TrimEnd().Split('\n')[1..];
            Assert.StartsWith(address + " ", lines[0]);
        }, 30);
        return lines;
    }

    private static async Task<T> JsonAsync<T>(NodeProcess node, params string[] args) =>
        JsonSerializer.Deserialize<T>(await OkAsync(node, [.. args, "--json"]), Api.Json)!;

    private static async Task<string> OkAsync(NodeProcess node, params string[] args)
    {
        var result = await SessionctlProcess.RunAsync(node, args);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)} on {node.Url}: {result}");
        return result.Stdout;
    }
}
