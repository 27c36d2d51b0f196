using System.Reflection;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Util;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Tests.Http;

/// <summary>Akka's cluster events as GET /api/cluster/events sends them: the snapshot first, then each live event.</summary>
public sealed class ClusterEventViewTests
{
    private static readonly Address A = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.1:4053");
    private static readonly Address B = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.2:4053");
    private static readonly Address C = Address.Parse("akka.ssl.tcp://sessioncluster@10.0.0.3:4053");
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 1, 2, TimeSpan.Zero);

    private static ClusterView.MemberFacts MemberOf(Address address, MemberStatus status, params string[] roles) =>
        new(address, roles, status, "1.2.3");

    [Fact]
    public void The_snapshot_names_each_member_by_its_status_ordered_by_address_then_the_unreachable_then_the_leader()
    {
        var c = MemberOf(C, MemberStatus.Leaving, "agent-host");
        var events = ClusterEventView.Snapshot(
            [c, MemberOf(B, MemberStatus.Joining), MemberOf(A, MemberStatus.Up, "node-id-a1", "agent-host") with { NodeId = "a1" }], [c], A, At);

        Assert.Equal(
            [
                ("member-up", A.ToString(), "up"),
                ("member-joined", B.ToString(), "joining"),
                ("member-left", C.ToString(), "leaving"),
                ("unreachable-member", C.ToString(), "leaving"),
                ("leader-changed", A.ToString(), null),
            ],
            events.Select(e => (e.Event, e.Address, e.Status)));
        Assert.All(events, e => Assert.True(e.Snapshot));
        Assert.All(events, e => Assert.Equal(At, e.At));
        Assert.Equal(["agent-host", "node-id-a1"], events[0].Roles);
        Assert.Equal("a1", events[0].NodeId);
        Assert.Empty(events[^1].Roles);
    }

    [Fact]
    public void A_snapshot_of_a_cluster_without_a_leader_ends_with_a_leader_changed_to_none()
    {
        var events = ClusterEventView.Snapshot([MemberOf(A, MemberStatus.Joining)], [], null, At);

        Assert.Equal([("member-joined", (string?)A.ToString()), ("leader-changed", null)], events.Select(e => (e.Event, e.Address)));
    }

    [Theory]
    [InlineData(MemberStatus.WeaklyUp, "member-weakly-up")]
    [InlineData(MemberStatus.Exiting, "member-exited")]
    [InlineData(MemberStatus.Down, "member-downed")]
    [InlineData(MemberStatus.Removed, "member-removed")]
    public void Each_status_has_the_event_it_was_announced_with(MemberStatus status, string name) =>
        Assert.Equal(name, ClusterEventView.EventFor(status));

    [Fact]
    public void Live_member_reachability_and_leader_events_are_named_and_not_marked_as_snapshot()
    {
        var up = Member(B, MemberStatus.Up);
        var left = Member(B, MemberStatus.Leaving);
        var removed = Member(B, MemberStatus.Removed);

        var events = new ClusterEvent.IClusterDomainEvent[]
        {
            new ClusterEvent.MemberUp(up),
            new ClusterEvent.UnreachableMember(up),
            new ClusterEvent.ReachableMember(up),
            new ClusterEvent.MemberLeft(left),
            new ClusterEvent.MemberRemoved(removed, MemberStatus.Exiting),
            new ClusterEvent.LeaderChanged(A),
        }.Select(e => ClusterEventView.Of(e, At)!).ToList();

        Assert.Equal(
            [
                ("member-up", B.ToString(), "up"),
                ("unreachable-member", B.ToString(), "up"),
                ("reachable-member", B.ToString(), "up"),
                ("member-left", B.ToString(), "leaving"),
                ("member-removed", B.ToString(), "removed"),
                ("leader-changed", A.ToString(), null),
            ],
            events.Select(e => (e.Event, e.Address, e.Status)));
        Assert.All(events, e => Assert.False(e.Snapshot));
        Assert.Equal(["agent-host", "node-id-b2"], events[0].Roles);
        Assert.Equal("b2", events[0].NodeId);
    }

    [Fact]
    public void Events_the_stream_does_not_carry_are_left_out() =>
        Assert.Null(ClusterEventView.Of(new ClusterEvent.RoleLeaderChanged("agent-host", A), At));

    /// <summary>A member as gossip carries it; Akka makes them internally only, so its own factory is called.</summary>
    private static Member Member(Address address, MemberStatus status)
    {
        var create = typeof(Member).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == "Create" && m.GetParameters().Length == 5);
        return (Member)create.Invoke(null, [new UniqueAddress(address, 1), 1, status, ImmutableHashSet.Create("agent-host", "node-id-b2"), AppVersion.Zero])!;
    }
}
