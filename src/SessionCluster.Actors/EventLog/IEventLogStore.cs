namespace SessionCluster.Actors.EventLog;

/// <summary>
/// Where session event logs are kept (the node's SQL database). Called by one <see cref="EventLogWriter"/> per node
/// for writes, by any thread for reads.
/// </summary>
public interface IEventLogStore
{
    /// <summary>The session's head, or null when it has no log (never wrote an entry, nor dropped one).</summary>
    EventLogHead? Head(string sessionId);

    /// <summary>
    /// In one transaction: stores <paramref name="events"/>, adds <paramref name="dropped"/> (entries lost before
    /// they were numbered) to each session's dropped count, moves each session's last sequence number, and deletes the
    /// oldest entries of a session beyond <paramref name="maxPerSession"/>, counting them as dropped.
    /// </summary>
    void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession);

    /// <summary>What <paramref name="query"/> asks for, or null when the session has no log.</summary>
    EventLogPage? Read(EventLogQuery query);

    /// <summary>Deletes the session's log: its entries (and their search index rows) and its head. Pruned sessions only.</summary>
    void Delete(string sessionId);

    /// <summary>The entries that match <paramref name="query"/> across sessions, best match first.</summary>
    IReadOnlyList<EventSearchHit> Search(EventSearchQuery query);
}
