using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>Akka's cluster events as GET /api/cluster/events sends them: pure functions of what Akka reports.</summary>
public static class ClusterEventView
{
    /// <summary>The event a member in <paramref name="status"/> was last announced with: a snapshot names each member so.</summary>
    public static string EventFor(MemberStatus status) => status switch
    {
        MemberStatus.Joining => "member-joined",
        MemberStatus.WeaklyUp => "member-weakly-up",
        MemberStatus.Up => "member-up",
        MemberStatus.Leaving => "member-left",
        MemberStatus.Exiting => "member-exited",
        MemberStatus.Down => "member-downed",
        MemberStatus.Removed => "member-removed",
        _ => "member-" + ClusterView.StatusName(status),
    };

    /// <summary>
    /// The cluster when the stream opens: each member (ordered by address) as the event its status came with, then
    /// each unreachable one as unreachable-member, then the leader, all marked as the snapshot.
    /// </summary>
    public static IReadOnlyList<ClusterMemberEventDto> Snapshot(
        IReadOnlyCollection<ClusterView.MemberFacts> members,
        IReadOnlyCollection<ClusterView.MemberFacts> unreachable,
        Address? leader,
        DateTimeOffset at)
    {
        var events = members.OrderBy(m => m.Address, Member.AddressOrdering)
            .Select(m => Of(EventFor(m.Status), m, at))
            .Concat(unreachable.OrderBy(m => m.Address, Member.AddressOrdering).Select(m => Of("unreachable-member", m, at)))
            .Append(Leader(leader, at));
        return events.Select(e => e with { Snapshot = true }).ToList();
    }

    public static IReadOnlyList<ClusterMemberEventDto> Snapshot(ClusterEvent.CurrentClusterState state, DateTimeOffset at)
    {
        var (members, unreachable) = ClusterView.FactsOf(state);
        return Snapshot(members, unreachable, state.Leader, at);
    }

    /// <summary>A live event, or null for one the stream does not carry (role leaders, internal gossip).</summary>
    public static ClusterMemberEventDto? Of(ClusterEvent.IClusterDomainEvent e, DateTimeOffset at) => e switch
    {
        ClusterEvent.LeaderChanged leader => Leader(leader.Leader, at),
        ClusterEvent.UnreachableMember u => Of("unreachable-member", ClusterView.MemberFacts.Of(u.Member), at),
        ClusterEvent.ReachableMember r => Of("reachable-member", ClusterView.MemberFacts.Of(r.Member), at),
        ClusterEvent.MemberJoined m => Of("member-joined", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberWeaklyUp m => Of("member-weakly-up", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberUp m => Of("member-up", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberLeft m => Of("member-left", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberExited m => Of("member-exited", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberDowned m => Of("member-downed", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.MemberRemoved m => Of("member-removed", ClusterView.MemberFacts.Of(m.Member), at),
        ClusterEvent.IMemberEvent m => Of(EventFor(m.Member.Status), ClusterView.MemberFacts.Of(m.Member), at),
        _ => null,
    };

    public static ClusterMemberEventDto Of(string name, ClusterView.MemberFacts member, DateTimeOffset at) =>
        new(name, member.Address.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)], ClusterView.StatusName(member.Status), at)
        {
            NodeId = member.NodeId,
        };

    private static ClusterMemberEventDto Leader(Address? leader, DateTimeOffset at) => new("leader-changed", leader?.ToString(), [], null, at);
}
