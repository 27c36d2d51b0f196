using Akka.Actor;
using SessionCluster.Actors.Membership;
using AkkaCluster = Akka.Cluster.Cluster;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// How a session entity reaches the agent host of the node its state records, wherever sharding runs the entity: this
/// node's own host for its own id (or a session no node was recorded for yet), another member's by its address.
/// </summary>
public sealed class AgentHosts
{
    private readonly IActorRef local;
    private readonly ActorSystem? system;
    private readonly string? selfNodeId;
    private readonly Func<string?, ICanTell?>? resolve;

    private AgentHosts(IActorRef local, ActorSystem? system, string? selfNodeId, IActorRef? placement, Func<string?, ICanTell?>? resolve = null)
    {
        this.local = local;
        this.resolve = resolve;
        this.system = system;
        this.selfNodeId = selfNodeId;
        Placement = placement;
    }

    /// <summary>Where a launch is placed (<see cref="AgentPlacement"/>); null when every session runs on <see cref="Only"/>'s host.</summary>
    public IActorRef? Placement { get; }

    /// <summary>One host for every session, and no placement: a single node without a cluster (tests).</summary>
    public static AgentHosts Only(IActorRef host) => new(host, null, null, null);

    /// <summary>The agent hosts of the cluster's members, found by the node-id roles they join with.</summary>
    public static AgentHosts InCluster(ActorSystem system, string selfNodeId, IActorRef localHost, IActorRef placement) =>
        new(localHost, system, selfNodeId, placement);

    /// <summary>Hosts found by node id through <paramref name="byNodeId"/>, with placement: tests standing in for a cluster's members.</summary>
    public static AgentHosts Resolving(Func<string?, ICanTell?> byNodeId, IActorRef placement) =>
        new(ActorRefs.Nobody, null, null, placement, byNodeId);

    /// <summary>The agent host of the node with stable id <paramref name="nodeId"/>; null when no member of the cluster has that id.</summary>
    public ICanTell? Of(string? nodeId)
    {
        if (resolve is not null)
        {
            return resolve(nodeId);
        }

        if (system is null || string.IsNullOrEmpty(nodeId) || nodeId == selfNodeId)
        {
            return local;
        }

        var member = AkkaCluster.Get(system).State.Members.FirstOrDefault(m =>
            (m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving) && NodeRoles.NodeIdOf(m) == nodeId);
        return member is null ? null : system.ActorSelection(PathOf(member.Address));
    }

    /// <summary>Where the agent host of the member at <paramref name="address"/> lives.</summary>
    public static ActorPath PathOf(Address address) => new RootActorPath(address) / "user" / AgentHost.Name;
}
