namespace SessionCluster.Actors.EventLog;

/// <param name="MaxEventsPerSession">sessioncluster.event-log.max-events-per-session: beyond it the oldest are deleted and counted as dropped.</param>
/// <param name="FlushInterval">
/// sessioncluster.event-log.flush-interval: the shortest time between two batch writes. An entry reaching a writer that
/// wrote nothing for this long is written at once; under load the entries that arrive meanwhile gather into one batch.
/// </param>
/// <param name="MaxBatch">Most entries written in one transaction.</param>
/// <param name="Capacity">Most entries waiting to be written; beyond it new ones are dropped (and counted), the agent never waits.</param>
public sealed record EventLogSettings(int MaxEventsPerSession, TimeSpan FlushInterval, int MaxBatch, int Capacity)
{
    public const int DefaultMaxEventsPerSession = 10_000;

    public const int DefaultFollowBuffer = 1_000;

    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(5);

    public static readonly EventLogSettings Default = new(DefaultMaxEventsPerSession, DefaultFlushInterval, 2_000, 200_000);

    /// <summary>
    /// sessioncluster.event-log.follow-buffer: most entries waiting to be sent to one live follower (an SSE client);
    /// beyond it that follower is dropped with the reason, never the writer slowed.
    /// </summary>
    public int FollowBuffer { get; init; } = DefaultFollowBuffer;
}
