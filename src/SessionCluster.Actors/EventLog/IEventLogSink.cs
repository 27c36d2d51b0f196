using SessionCluster.Agents.EventLog;

namespace SessionCluster.Actors.EventLog;

/// <summary>Takes a session's event log entries without ever waiting: the agent's output is never slowed by storage.</summary>
public interface IEventLogSink
{
    /// <summary>Queues <paramref name="entry"/> as the session's next entry; when the queue is full it is counted as dropped.</summary>
    void Append(string sessionId, string agent, EventLogEntry entry, DateTimeOffset at);
}
