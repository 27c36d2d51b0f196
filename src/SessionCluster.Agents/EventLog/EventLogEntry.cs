namespace SessionCluster.Agents.EventLog;

/// <summary>
/// One agent event as the event log keeps it: its <see cref="EventLogTypes">type</see>, a one-line summary a person
/// reads, and the event's JSON, cut at <see cref="AgentEventLog.MaxRawChars"/> (<paramref name="Truncated"/> says so).
/// Secrets are already masked in both texts.
/// </summary>
public sealed record EventLogEntry(string Type, string Summary, string Raw, bool Truncated);
