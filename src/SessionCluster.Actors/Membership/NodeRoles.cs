using Akka.Cluster;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// The roles a node joins the cluster with: <see cref="AgentHost"/> (it runs agents) and its stable node id, so a
/// member that leaves the cluster can be told apart from another on the same host (or a restart of itself).
/// </summary>
public static class NodeRoles
{
    public const string AgentHost = "agent-host";

    // Not "node-id:": Akka.Hosting writes the roles into HOCON unquoted, where a colon does not parse.
    public const string NodeIdPrefix = "node-id-";

    public static IReadOnlyList<string> For(string nodeId) => [AgentHost, NodeIdPrefix + nodeId];

    /// <summary>The member's stable node id, or null for a member that does not say (not a SessionCluster node).</summary>
    public static string? NodeIdOf(Member member) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(NodeIdPrefix, StringComparison.Ordinal)) is { } role ? role[NodeIdPrefix.Length..] : null;
}
