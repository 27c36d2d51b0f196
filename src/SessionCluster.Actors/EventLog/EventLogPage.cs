namespace SessionCluster.Actors.EventLog;

/// <summary>The entries a query found, oldest first, with the session's <see cref="EventLogHead"/>.</summary>
public sealed record EventLogPage(IReadOnlyList<EventLogRecord> Events, EventLogHead Head);
