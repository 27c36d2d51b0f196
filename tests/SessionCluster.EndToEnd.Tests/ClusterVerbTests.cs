using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The pbm-style cluster verbs through the real sessionctl against a real one-node cluster: membership, leader,
/// reachability, sharding's regions and stats, where a live session lives, and clear errors for bad addresses.
/// </summary>
public sealed class ClusterVerbTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    private async Task<T> JsonAsync<T>(params string[] args)
    {
        var result = await Ctl.RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)}: {result}\nnode:\n{fixture.Node.Output}");
        return JsonSerializer.Deserialize<T>(result.Stdout, Api.Json)!;
    }

    private async Task<string> OkAsync(params string[] args)
    {
        var result = await Ctl.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)}: {result}");
        return result.Stdout;
    }

    [Fact]
    public async Task Show_lists_the_one_member_up_with_its_roles_and_it_is_the_leader_and_nothing_is_unreachable()
    {
        var cluster = await JsonAsync<ClusterDto>("cluster", "show");
        var self = Assert.Single(cluster.Members);
        Assert.Equal(cluster.Self, self.Address);
        Assert.StartsWith("akka.ssl.tcp://sessioncluster@", self.Address);
        Assert.Equal(("up", true), (self.Status, self.Reachable));
        Assert.False(string.IsNullOrEmpty(self.NodeId));
        Assert.Equal(["agent-host", $"node-id-{self.NodeId}"], self.Roles);
        Assert.False(string.IsNullOrEmpty(self.Version));
        Assert.Equal(self.Address, cluster.Leader);

        var shown = (await OkAsync("cluster", "show")).TrimEnd().Split('\n');
        Assert.Equal(3, shown.Length);
        Assert.Matches(@"^ADDRESS\s+\| ROLES\s+\| STATUS\s+\| REACHABILITY \| VERSION$", shown[0]);
        Assert.Matches(
            $@"^{System.Text.RegularExpressions.Regex.Escape(self.Address)} \| {System.Text.RegularExpressions.Regex.Escape($"[{string.Join(',', self.Roles)}]")}\s* \| up\s* \| reachable\s* \| {System.Text.RegularExpressions.Regex.Escape(self.Version!)}$",
            shown[1]);
        Assert.Equal("Count: 1 nodes", shown[2]);

        Assert.Equal(self.Address, (await OkAsync("cluster", "leader")).Trim());
        Assert.Equal("no unreachable nodes", (await OkAsync("cluster", "unreachable")).Trim());
        Assert.Equal("no unreachable nodes to down", (await OkAsync("cluster", "down-unreachable")).Trim());
    }

    [Fact]
    public async Task Sharding_shows_the_session_region_and_where_a_live_session_lives()
    {
        var regions = await JsonAsync<List<ShardRegionDto>>("cluster-sharding", "regions");
        Assert.Contains(regions, r => r.Name == "session" && r.Aliases.Contains("sessions"));
        Assert.Contains("session (also: sessions)", await OkAsync("cluster-sharding", "regions"));

        fixture.Model.Enqueue(ModelReply.Text("Waiting here."));
        var launched = await Ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(fixture.NewWorkdir(), "wait for me"));
        var session = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        var self = (await JsonAsync<ClusterDto>("cluster", "show")).Self;

        var entity = await JsonAsync<ShardEntityDto>("cluster-sharding", "entity", session.Id);
        Assert.Equal((session.Id, "session", self), (entity.Id, entity.Region, entity.Node));
        Assert.Equal((session.Node, session.NodeId), (entity.ProcessNode, entity.ProcessNodeId));
        Assert.NotNull(entity.ProcessNodeId);
        Assert.StartsWith($"session {session.Id}: region session, shard {entity.Shard}, on {self}; agent process on ",
            (await OkAsync("cluster-sharding", "entity", session.Id)).Trim());

        var stats = await JsonAsync<RegionStatsDto>("cluster-sharding", "region-stats", "-r", "sessions");
        var node = Assert.Single(stats.Nodes);
        Assert.Equal(self, node.Address);
        Assert.Contains(node.Shards, s => s.Id == entity.Shard && s.Entities >= 1);
        var printed = await OkAsync("cluster-sharding", "region-stats", "-r", "sessions");
        Assert.Contains($"Shard region: session", printed);
        Assert.Contains($"  shard {entity.Shard}: ", printed);
        Assert.Matches(@"Count: \d+ shards, \d+ entities on 1 nodes", printed);
    }

    [Fact]
    public async Task Bad_or_unknown_addresses_regions_and_sessions_are_one_line_errors_with_exit_1()
    {
        var self = (await JsonAsync<ClusterDto>("cluster", "show")).Self;
        var stranger = "akka.ssl.tcp://sessioncluster@127.0.0.1:1";

        foreach (var verb in new[] { "down", "leave" })
        {
            var unknown = await Ctl.RunAsync("cluster", verb, stranger);
            Assert.Equal(1, unknown.ExitCode);
            Assert.Equal($"sessionctl: {stranger} is not a member of the cluster; the members are: {self}", unknown.Stderr.Trim());

            var malformed = await Ctl.RunAsync("cluster", verb, "node-b:4053");
            Assert.Equal(1, malformed.ExitCode);
            Assert.Equal(
                "sessionctl: address must be an Akka address such as akka.ssl.tcp://sessioncluster@10.0.0.5:4053, not 'node-b:4053'",
                malformed.Stderr.Trim());
        }

        var region = await Ctl.RunAsync("cluster-sharding", "region-stats", "-r", "nope");
        Assert.Equal(1, region.ExitCode);
        Assert.Equal("sessionctl: this node runs no shard region 'nope'; the regions are: session", region.Stderr.Trim());
        var session = await Ctl.RunAsync("cluster-sharding", "entity", "no-such-session");
        Assert.Equal(1, session.ExitCode);
        Assert.Contains("no session no-such-session", session.Stderr);

        // Still one member, still up: nothing above changed the cluster.
        Assert.Equal("up", Assert.Single((await JsonAsync<ClusterDto>("cluster", "show")).Members).Status);
    }
}
