using SessionCluster.Agents;

namespace SessionCluster.Actors.AgentHosting;

// What a session entity asks of the AgentHost that runs its agent process.

public sealed record StartAgent(string SessionId, string Agent, AgentLaunchRequest Request);

public sealed record SendInput(string SessionId, string Message);

public sealed record StopAgent(string SessionId, StopMode Mode);

public enum StopMode
{
    /// <summary>SIGINT, then SIGKILL after the grace period.</summary>
    Interrupt,

    /// <summary>SIGKILL at once.</summary>
    Kill,
}

/// <summary>Asks the host how many agent processes it runs now. Replies with <see cref="RunningAgents"/>.</summary>
public sealed record GetRunningAgents
{
    public static readonly GetRunningAgents Instance = new();
}

public sealed record RunningAgents(IReadOnlyList<string> SessionIds);
