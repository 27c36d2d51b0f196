using SessionCluster.Actors.Serialization;
using SessionCluster.Agents;

namespace SessionCluster.Actors.AgentHosting;

// What a session entity asks of the AgentHost that runs its agent process, and what the host answers.
// Start and stop are repeated by the entity until the host's facts show them done, so the host takes each
// more than once without harm.

public sealed record StartAgent(string SessionId, string Agent, AgentLaunchRequest Request) : ISessionClusterMessage;

public sealed record SendInput(string SessionId, string Message) : ISessionClusterMessage;

/// <summary>
/// Write the decided answer to the agent's permission request. Repeated by the entity until the host's
/// <see cref="SessionCluster.Domain.RecordPermissionAnswered"/> fact arrives; the agent hears each request answered once.
/// </summary>
public sealed record AnswerAgentPermission(string SessionId, string RequestId, bool Allow, string? Message, bool Remember) : ISessionClusterMessage;

/// <param name="Pid">The process the session recorded (with <paramref name="StartTime"/>), to end it should the host not know it.</param>
public sealed record StopAgent(string SessionId, StopMode Mode, int? Pid = null, long StartTime = 0) : ISessionClusterMessage;

/// <summary>The host's answer to a <see cref="StopAgent"/> for a session it runs no process for (any leftover was ended).</summary>
public sealed record AgentNotRunning(string SessionId) : ISessionClusterMessage;

public enum StopMode
{
    /// <summary>SIGINT, then SIGKILL after the grace period.</summary>
    Interrupt,

    /// <summary>SIGKILL at once.</summary>
    Kill,
}

/// <summary>Asks the host how many agent processes it runs now. Replies with <see cref="RunningAgents"/>.</summary>
public sealed record GetRunningAgents : ISessionClusterMessage
{
    public static readonly GetRunningAgents Instance = new();
}

public sealed record RunningAgents(IReadOnlyList<string> SessionIds) : ISessionClusterMessage;

/// <summary>
/// The node is stopping: interrupt every session this host runs (reason "node stopped") and wait for their processes
/// to end. Replies with <see cref="AgentsStopped"/>.
/// </summary>
public sealed record StopAllAgents(string Reason) : ISessionClusterMessage
{
    public const string NodeStopped = "node stopped";
}

public sealed record AgentsStopped(int Count) : ISessionClusterMessage;

/// <summary>
/// Asks an agent host what it could do for a launch of <paramref name="Agent"/> in <paramref name="Workdir"/> (both
/// optional: without them, what it is). Replies with <see cref="AgentHostDescribed"/>.
/// </summary>
public sealed record DescribeAgentHost(string? Agent, string? Workdir) : ISessionClusterMessage
{
    public static readonly DescribeAgentHost Plain = new(null, null);
}

/// <param name="Offer">Its node, capacity and load, and the launch's problems there.</param>
/// <param name="Agents">The agents it runs, installed or not, with their versions.</param>
public sealed record AgentHostDescribed(Domain.Placement.HostOffer Offer, IReadOnlyList<AgentInstallation> Agents) : ISessionClusterMessage;

/// <summary>
/// Holds a slot of the host's capacity for a placed session until its agent starts (or the hold expires), so two
/// launches placed at once cannot both take the last slot. Replies <see cref="SlotReserved"/> or <see cref="SlotRefused"/>.
/// </summary>
public sealed record ReserveSlot(string SessionId) : ISessionClusterMessage;

public sealed record SlotReserved(string SessionId) : ISessionClusterMessage;

public sealed record SlotRefused(string SessionId, string Reason) : ISessionClusterMessage;

/// <summary>The node is leaving: take no new session. Replies <see cref="AgentHostDraining"/> with the sessions still live.</summary>
public sealed record DrainAgentHost : ISessionClusterMessage
{
    public static readonly DrainAgentHost Instance = new();
}

public sealed record AgentHostDraining(IReadOnlyList<string> LiveSessionIds) : ISessionClusterMessage;
