namespace SessionCluster.Domain.Placement;

/// <summary>
/// The node a session's agent runs on, chosen at launch and journaled with it: the entity addresses that node's agent
/// host by <paramref name="NodeId"/> wherever sharding moves the entity.
/// </summary>
/// <param name="NodeId">The node's stable id.</param>
/// <param name="Node">Its human name.</param>
/// <param name="Address">Its Akka address when placed (akka.tcp://sessioncluster@host:port).</param>
public sealed record AgentHostPlacement(string NodeId, string Node, string Address);
