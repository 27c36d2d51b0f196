namespace SessionCluster.Domain;

/// <summary>A resume this session recorded and still owes the launch of: enough to derive the same launch every time.</summary>
/// <param name="Prompt">The new session's first prompt, resolved.</param>
/// <param name="At">When the resume was decided: the new session's launch time.</param>
public sealed record PendingResume(string NewSessionId, string Prompt, DateTimeOffset At);
