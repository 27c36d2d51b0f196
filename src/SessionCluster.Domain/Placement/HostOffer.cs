namespace SessionCluster.Domain.Placement;

/// <summary>What one agent host answered when asked whether it could run a launch.</summary>
/// <param name="AgentProblem">Why the launch's agent cannot run there (not installed); null when it can.</param>
/// <param name="WorkdirProblem">Why the launch's working directory is not usable there; null when it is.</param>
/// <param name="Live">Its live sessions: agent processes plus slots reserved for launches on their way.</param>
/// <param name="Capacity">Its most live sessions (sessioncluster.agents.max-live-sessions).</param>
/// <param name="Draining">It is leaving the cluster: it takes no new session.</param>
public sealed record HostOffer(
    AgentHostPlacement Host,
    string? AgentProblem,
    string? WorkdirProblem,
    int Live,
    int Capacity,
    bool Draining)
{
    public bool HasRoom => Live < Capacity;
}
