namespace SessionCluster.Contracts;

/// <summary>GET /api/cluster: the cluster as the answering node sees it. Addresses are Akka addresses (akka.ssl.tcp://sessioncluster@host:port).</summary>
public sealed record ClusterDto(string Self, string? Leader, IReadOnlyList<ClusterMemberDto> Members);

/// <summary>
/// One member. <paramref name="Status"/> is Akka's member status in the API's spelling (joining, weakly-up, up, leaving,
/// exiting, down, removed, preparing-for-shutdown, ready-for-shutdown); <paramref name="Reachable"/> is false while some
/// member's failure detector marks it unreachable.
/// </summary>
public sealed record ClusterMemberDto(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable)
{
    /// <summary>The node's stable id, from the node-id role it joined with (null for a member without one).</summary>
    public string? NodeId { get; init; }

    /// <summary>The member's application version (akka.cluster.app-version), as it joined with.</summary>
    public string? Version { get; init; }
}

/// <summary>POST /api/cluster/leave and /api/cluster/down: the member to act on. Leave without an address: the answering node itself.</summary>
public sealed record ClusterAddressRequest
{
    public string? Address { get; init; }
}

/// <summary>What a leave or down asked of the cluster: <paramref name="Action"/> ("leave" or "down") and the members it named.</summary>
public sealed record ClusterActionDto(string Action, IReadOnlyList<string> Addresses)
{
    /// <summary>
    /// A leave: the sessions whose agents still run on the leaving node, which it waits for before it leaves. Null for a
    /// down, and for a node that did not answer the drain (asked to leave at once).
    /// </summary>
    public IReadOnlyList<string>? LiveSessions { get; init; }

    /// <summary>A leave: when the node leaves at the latest (its drain timeout); sessions still live then are interrupted.</summary>
    public DateTimeOffset? LeavesBy { get; init; }
}

/// <summary>GET /api/cluster/sharding/regions: a shard region this node runs, by its type name, and the other names it answers to.</summary>
public sealed record ShardRegionDto(string Name, IReadOnlyList<string> Aliases);

/// <summary>GET /api/cluster/sharding/region-stats: shards and entities per node of one region.</summary>
public sealed record RegionStatsDto(string Region, IReadOnlyList<RegionNodeStatsDto> Nodes)
{
    public int ShardCount => Nodes.Sum(n => n.Shards.Count);

    public int EntityCount => Nodes.Sum(n => n.EntityCount);
}

/// <summary>One node's part of a region: its shards with their live entities, and the shards that did not answer in time.</summary>
public sealed record RegionNodeStatsDto(string Address, IReadOnlyList<ShardStatsDto> Shards, IReadOnlyList<string> Failed)
{
    public int EntityCount => Shards.Sum(s => s.Entities);
}

public sealed record ShardStatsDto(string Id, int Entities);

/// <summary>
/// GET /api/cluster/sharding/entity/{id}: where a session's entity lives. <paramref name="Node"/> is the member whose region
/// hosts its shard (null while no node hosts it); <paramref name="ProcessNode"/> and <paramref name="ProcessNodeId"/> are the
/// node the session records for its agent process.
/// </summary>
public sealed record ShardEntityDto(string Id, string Region, string Shard, string? Node, string? ProcessNode, string? ProcessNodeId);

/// <summary>
/// GET /api/cluster/events: one member event as the answering node saw it, sent as a server-sent event of type
/// <paramref name="Event"/>. The events are member-up, member-joined, member-weakly-up, member-left, member-exited,
/// member-downed, member-removed, unreachable-member,
/// reachable-member and leader-changed. <paramref name="Address"/> is the member's (for leader-changed the new
/// leader's, null when there is none); <paramref name="Status"/> its status in <see cref="ClusterMemberDto"/>'s spelling
/// (null for leader-changed); <paramref name="At"/> when this node saw it.
/// </summary>
public sealed record ClusterMemberEventDto(string Event, string? Address, IReadOnlyList<string> Roles, string? Status, DateTimeOffset At)
{
    /// <summary>The member's node id, from the node-id role it joined with.</summary>
    public string? NodeId { get; init; }

    /// <summary>True for the events that describe the cluster as it was when the stream opened (sent first), false for live ones.</summary>
    public bool Snapshot { get; init; }
}
