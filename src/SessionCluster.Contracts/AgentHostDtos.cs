namespace SessionCluster.Contracts;

/// <summary>
/// GET /api/agents: the cluster's agent hosts as they describe themselves when the answering node asks, and the
/// agent-host members that did not answer in time.
/// </summary>
public sealed record AgentHostsDto(IReadOnlyList<AgentHostDto> Hosts, IReadOnlyList<SilentAgentHostDto> Silent);

/// <summary>
/// One agent host: its node (<paramref name="Address"/> is its Akka address), the agents it runs, its most live sessions
/// (<paramref name="Capacity"/>, sessioncluster.agents.max-live-sessions), how many it runs or holds a slot for
/// (<paramref name="LiveSessions"/>), and whether it is leaving the cluster (takes no new session).
/// </summary>
public sealed record AgentHostDto(
    string Address,
    string NodeName,
    string NodeId,
    IReadOnlyList<AgentInstallationDto> Agents,
    int Capacity,
    int LiveSessions,
    bool Draining);

/// <summary>
/// An agent the host runs: <paramref name="Installed"/> when placement counts it runnable there (its program found, or
/// not yet looked for), with the program's path and the first line it prints for --version (null when it did not say),
/// and why it cannot run there (<paramref name="Problem"/>) when not installed.
/// </summary>
public sealed record AgentInstallationDto(string Name, string? Version, bool Installed, string? Path, string? Problem);

/// <summary>An agent-host member that did not answer: unreachable, or too slow; its node id when its roles say it.</summary>
public sealed record SilentAgentHostDto(string Address, string? NodeId, bool Reachable);
