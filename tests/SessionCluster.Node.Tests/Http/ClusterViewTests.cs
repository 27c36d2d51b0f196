using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

/// <summary>The mapping from Akka's cluster and sharding state to the API's DTOs, and the address checks of leave and down.</summary>
public sealed class ClusterViewTests
{
    private static readonly Address A = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.1:4053");
    private static readonly Address B = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.2:4053");
    private static readonly Address C = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.3:4053");

    private static ClusterView.MemberFacts MemberOf(Address address, MemberStatus status, params string[] roles) =>
        new(address, roles, status, "1.2.3");

    [Fact]
    public void Members_are_ordered_by_address_with_status_roles_reachability_version_and_the_leader()
    {
        var c = MemberOf(C, MemberStatus.Leaving, "agent-host");
        var view = ClusterView.Of(
            [c, MemberOf(B, MemberStatus.Up), MemberOf(A, MemberStatus.Up, "api", "agent-host") with { NodeId = "id-a" }], [c], A, B, "node-id-b");

        Assert.Equal(B.ToString(), view.Self);
        Assert.Equal(A.ToString(), view.Leader);
        Assert.Equal([A.ToString(), B.ToString(), C.ToString()], view.Members.Select(m => m.Address));
        Assert.Equal(["agent-host", "api"], view.Members[0].Roles);
        Assert.Empty(view.Members[1].Roles);
        Assert.Equal(["up", "up", "leaving"], view.Members.Select(m => m.Status));
        Assert.Equal([true, true, false], view.Members.Select(m => m.Reachable));
        Assert.Equal(["id-a", "node-id-b", null], view.Members.Select(m => m.NodeId));
        Assert.All(view.Members, m => Assert.Equal("1.2.3", m.Version));
    }

    [Fact]
    public void A_cluster_without_a_leader_says_so_and_a_member_only_the_unreachable_set_holds_is_shown()
    {
        var gone = MemberOf(B, MemberStatus.Down);
        var view = ClusterView.Of([MemberOf(A, MemberStatus.Up)], [gone], null, A, "id-a");

        Assert.Null(view.Leader);
        Assert.Equal([(A.ToString(), "up", true), (B.ToString(), "down", false)], view.Members.Select(m => (m.Address, m.Status, m.Reachable)));
    }

    [Theory]
    [InlineData(MemberStatus.Joining, "joining")]
    [InlineData(MemberStatus.WeaklyUp, "weakly-up")]
    [InlineData(MemberStatus.Exiting, "exiting")]
    [InlineData(MemberStatus.Removed, "removed")]
    public void Statuses_are_spelled_as_the_api_spells_them(MemberStatus status, string wire) =>
        Assert.Equal(wire, ClusterView.StatusName(status));

    [Fact]
    public async Task A_member_address_is_found_and_a_malformed_or_unknown_one_is_a_problem_naming_the_members()
    {
        Address[] state = [B, A];

        Assert.Equal(B, ClusterView.MemberAt(state, $" {B} ").Member);

        var malformed = (await HttpResults.Execute(ClusterView.MemberAt(state, "not an address").Problem!));
        Assert.Equal(400, malformed.Status);
        Assert.Contains("'not an address'", malformed.Detail);
        Assert.Equal(400, (await HttpResults.Execute(ClusterView.MemberAt(state, "akka.ssl.tcp://sessioncluster").Problem!)).Status);
        Assert.Equal(400, (await HttpResults.Execute(ClusterView.MemberAt(state, null).Problem!)).Status);

        var unknown = (await HttpResults.Execute(ClusterView.MemberAt(state, C.ToString()).Problem!));
        Assert.Equal(404, unknown.Status);
        Assert.Equal("Unknown member", unknown.Title);
        Assert.Equal($"{C} is not a member of the cluster; the members are: {A}, {B}", unknown.Detail);
    }

    [Fact]
    public void Region_stats_list_each_node_with_its_shards_in_number_order_and_totals()
    {
        var stats = new ClusterShardingStats(ImmutableDictionary<Address, ShardRegionStats>.Empty
            .Add(B, new ShardRegionStats(ImmutableDictionary<string, int>.Empty.Add("10", 3).Add("2", 1), ImmutableHashSet.Create("7")))
            .Add(A, new ShardRegionStats(ImmutableDictionary<string, int>.Empty.Add("5", 2), ImmutableHashSet<string>.Empty)));

        var view = ClusterView.Of("session", stats);

        Assert.Equal("session", view.Region);
        Assert.Equal([A.ToString(), B.ToString()], view.Nodes.Select(n => n.Address));
        Assert.Equal([("2", 1), ("10", 3)], view.Nodes[1].Shards.Select(s => (s.Id, s.Entities)));
        Assert.Equal(["7"], view.Nodes[1].Failed);
        Assert.Equal(4, view.Nodes[1].EntityCount);
        Assert.Equal(3, view.ShardCount);
        Assert.Equal(6, view.EntityCount);
        Assert.Equal(B, ClusterView.HostOf("10", stats));
        Assert.Null(ClusterView.HostOf("99", stats));
    }
}
