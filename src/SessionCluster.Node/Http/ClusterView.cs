using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using SessionCluster.Actors.Membership;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>Akka's view of the cluster and of sharding as the API shows it: pure functions of the state Akka reports.</summary>
public static class ClusterView
{
    /// <summary>What the view needs of a member (Akka's <see cref="Akka.Cluster.Member"/> cannot be made outside Akka).</summary>
    public sealed record MemberFacts(Address Address, IReadOnlyCollection<string> Roles, MemberStatus Status, string? Version, string? NodeId = null)
    {
        public static MemberFacts Of(Member m) => new(m.Address, m.Roles, m.Status, m.AppVersion?.ToString(), NodeRoles.NodeIdOf(m));
    }

    /// <summary>The members and the unreachable set, as <see cref="Of(IReadOnlyCollection{MemberFacts}, IReadOnlyCollection{MemberFacts}, Address?, Address, string?)"/> takes them.</summary>
    public static (IReadOnlyCollection<MemberFacts> Members, IReadOnlyCollection<MemberFacts> Unreachable) FactsOf(ClusterEvent.CurrentClusterState state) =>
        (state.Members.Select(MemberFacts.Of).ToList(), state.Unreachable.Select(MemberFacts.Of).ToList());

    public static ClusterDto Of(ClusterEvent.CurrentClusterState state, Address self, string? selfNodeId)
    {
        var (members, unreachable) = FactsOf(state);
        return Of(members, unreachable, state.Leader, self, selfNodeId);
    }

    /// <summary>
    /// The members (with any member only the unreachable set still holds), ordered by address, each reachable unless
    /// some member's failure detector says otherwise; the node id is the one its node-id role carries
    /// (<see cref="NodeRoles"/>), or for <paramref name="self"/> its own.
    /// </summary>
    public static ClusterDto Of(
        IReadOnlyCollection<MemberFacts> members, IReadOnlyCollection<MemberFacts> unreachable, Address? leader, Address self, string? selfNodeId)
    {
        var unreachableAt = unreachable.Select(m => m.Address).ToHashSet();
        var all = members.Concat(unreachable.Where(u => members.All(m => !m.Address.Equals(u.Address))))
            .OrderBy(m => m.Address, Akka.Cluster.Member.AddressOrdering)
            .Select(m => new ClusterMemberDto(
                m.Address.ToString(),
                [.. m.Roles.Order(StringComparer.Ordinal)],
                StatusName(m.Status),
                !unreachableAt.Contains(m.Address))
            {
                NodeId = m.NodeId ?? (m.Address.Equals(self) ? selfNodeId : null),
                Version = m.Version,
            })
            .ToList();
        return new ClusterDto(self.ToString(), leader?.ToString(), all);
    }

    /// <summary>Akka's member status in the API's spelling: WeaklyUp is "weakly-up".</summary>
    public static string StatusName(MemberStatus status)
    {
        var name = status.ToString();
        var wire = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && wire.Length > 0)
            {
                wire.Append('-');
            }

            wire.Append(char.ToLowerInvariant(c));
        }

        return wire.ToString();
    }

    /// <summary>The member an address names; null with a problem when it is no address (400) or no member (404, naming the members).</summary>
    public static (Address? Member, IResult? Problem) MemberAt(ClusterEvent.CurrentClusterState state, string? text)
    {
        var (members, unreachable) = FactsOf(state);
        return MemberAt(members.Concat(unreachable).Select(m => m.Address).Distinct().ToList(), text);
    }

    public static (Address? Member, IResult? Problem) MemberAt(IReadOnlyCollection<Address> members, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, Problems.BadRequest($"address is required: the Akka address of a member, one of: {MemberList(members)}"));
        }

        if (!Address.TryParse(text.Trim(), out var address) || address.Host is null || address.Port is null)
        {
            return (null, Problems.BadRequest(
                $"address must be an Akka address such as akka.ssl.tcp://sessioncluster@10.0.0.5:4053, not {FieldText.Quote(text)}"));
        }

        return members.Contains(address)
            ? (address, null)
            : (null, Problems.UnknownMember($"{address} is not a member of the cluster; the members are: {MemberList(members)}"));
    }

    private static string MemberList(IReadOnlyCollection<Address> members) =>
        members.Count == 0 ? "(none)" : string.Join(", ", members.Order(Akka.Cluster.Member.AddressOrdering));

    /// <summary>Each node's shards, ordered by address and shard id; failed shards are the ones that did not answer in time.</summary>
    public static RegionStatsDto Of(string region, ClusterShardingStats stats) => new(
        region,
        stats.Regions
            .OrderBy(r => r.Key, Akka.Cluster.Member.AddressOrdering)
            .Select(r => new RegionNodeStatsDto(
                r.Key.ToString(),
                r.Value.Stats.OrderBy(s => s.Key, ShardIdOrder.Instance).Select(s => new ShardStatsDto(s.Key, s.Value)).ToList(),
                [.. (r.Value.Failed ?? System.Collections.Immutable.ImmutableHashSet<string>.Empty).Order(ShardIdOrder.Instance)]))
            .ToList());

    /// <summary>The member whose region hosts <paramref name="shard"/>, or null while none does.</summary>
    public static Address? HostOf(string shard, ClusterShardingStats stats) =>
        stats.Regions.Where(r => r.Value.Stats.ContainsKey(shard)).Select(r => r.Key).FirstOrDefault();

    /// <summary>Shard ids are numbers under the hash extractor: 2 before 10.</summary>
    private sealed class ShardIdOrder : IComparer<string>
    {
        public static readonly ShardIdOrder Instance = new();

        public int Compare(string? x, string? y) =>
            int.TryParse(x, out var a) && int.TryParse(y, out var b) ? a.CompareTo(b) : string.CompareOrdinal(x, y);
    }
}
