using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>What a session asks of its agent: the session's launch spec (prompt, where to run, and how).</summary>
public sealed record AgentLaunchRequest(string SessionId, LaunchSpec Launch)
{
    /// <summary>The agent's own conversation id to continue, for a resume.</summary>
    public string? ResumeAgentSessionId => Launch.ResumedFrom?.AgentSessionId is { Length: > 0 } id ? id : null;
}
