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
