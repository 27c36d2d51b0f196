using SessionCluster.Agents.EventLog;

namespace SessionCluster.Actors.EventLog;

/// <summary>One stored entry of a session's event log: its number in the session (1, 2, 3...) and when the node saw it.</summary>
public sealed record EventLogRecord(string SessionId, long Seq, DateTimeOffset At, EventLogEntry Entry)
{
    /// <summary>The session's agent (claude, codex), kept with the session's log so a search can filter by it.</summary>
    public string? Agent { get; init; }
}
