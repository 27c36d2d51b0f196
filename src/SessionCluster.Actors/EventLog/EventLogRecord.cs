using SessionCluster.Agents.EventLog;

namespace SessionCluster.Actors.EventLog;

/// <summary>One stored entry of a session's event log: its number in the session (1, 2, 3...) and when the node saw it.</summary>
public sealed record EventLogRecord(string SessionId, long Seq, DateTimeOffset At, EventLogEntry Entry);
