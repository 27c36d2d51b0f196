using SessionCluster.Domain;
using SessionCluster.Domain.Placement;

namespace SessionCluster.Actors.AgentHosting;

// What a session entity asks the node's AgentPlacement (node-local: never crosses nodes), and what it answers.

/// <param name="Pin">The node the launch asked for (Akka address, name or id); null for any agent host with room.</param>
public sealed record PlaceSession(string SessionId, string Agent, string Workdir, string? Pin);

public abstract record PlacementAnswer;

/// <summary>The host that reserved a slot for the session: the session records it and its agent runs there.</summary>
public sealed record SessionPlaced(AgentHostPlacement Placement) : PlacementAnswer;

public sealed record PlacementRefused(Rejection Rejection) : PlacementAnswer;

/// <summary>Asks for every agent host of the cluster as it describes itself. Replies with <see cref="AgentHostsDescribed"/>.</summary>
public sealed record DescribeAgentHosts
{
    public static readonly DescribeAgentHosts Instance = new();
}

/// <param name="Hosts">Those that answered, by address.</param>
/// <param name="Silent">The agent-host members that did not answer in time (address, and node id when known).</param>
public sealed record AgentHostsDescribed(IReadOnlyList<AgentHostDescribed> Hosts, IReadOnlyList<SilentAgentHost> Silent);

public sealed record SilentAgentHost(string Address, string? NodeId, bool Reachable);
