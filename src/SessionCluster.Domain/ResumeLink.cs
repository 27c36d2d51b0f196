namespace SessionCluster.Domain;

/// <summary>B resumed from A: the session it continues and the agent's own id for that conversation.</summary>
public sealed record ResumeLink(string FromSessionId, string AgentSessionId);
