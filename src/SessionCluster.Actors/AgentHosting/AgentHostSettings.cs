using SessionCluster.Actors.EventLog;
using SessionCluster.Agents;

namespace SessionCluster.Actors.AgentHosting;

/// <param name="NodeName">This node's human name, recorded with every process it starts.</param>
/// <param name="NodeId">This node's stable id, recorded beside the name.</param>
/// <param name="Drivers">The agents this node can run, by name.</param>
/// <param name="EndLeftover">Ends the process group of a recorded (pid, start time) if that very process still runs; true when it did.</param>
public sealed record AgentHostSettings(
    string NodeName,
    string NodeId,
    IReadOnlyDictionary<string, IAgentDriver> Drivers,
    AgentRunOptions RunOptions,
    Func<int, long, bool> EndLeftover)
{
    /// <summary>The most live sessions (agent processes and reserved slots) this node runs (sessioncluster.agents.max-live-sessions).</summary>
    public int MaxLiveSessions { get; init; } = DefaultMaxLiveSessions;

    public const int DefaultMaxLiveSessions = 100;

    /// <summary>How long a slot reserved for a placed session is held when its agent does not start.</summary>
    public TimeSpan ReservationHold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where every agent event goes, masked and bounded (see <see cref="EventLogWriter"/>); null keeps none.</summary>
    public IEventLogSink? EventLog { get; init; }
}
