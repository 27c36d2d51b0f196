namespace SessionCluster.Agents;

/// <summary>What a session asks of its agent: the prompt, where to run, and how.</summary>
/// <param name="Env">The session's own environment variables, on top of the node's.</param>
/// <param name="ResumeAgentSessionId">The agent's own conversation id to continue, for a resume.</param>
public sealed record AgentLaunchRequest(
    string SessionId,
    string Prompt,
    string Workdir,
    string? Model,
    bool MultiTurn,
    IReadOnlyDictionary<string, string> Env,
    string? ResumeAgentSessionId);
