namespace SessionCluster.Actors.EventLog;

/// <param name="MaxEventsPerSession">sessioncluster.event-log.max-events-per-session: beyond it the oldest are deleted and counted as dropped.</param>
/// <param name="FlushInterval">How long a batch gathers before it is written, unless <paramref name="MaxBatch"/> entries wait already.</param>
/// <param name="MaxBatch">Most entries written in one transaction.</param>
/// <param name="Capacity">Most entries waiting to be written; beyond it new ones are dropped (and counted), the agent never waits.</param>
public sealed record EventLogSettings(int MaxEventsPerSession, TimeSpan FlushInterval, int MaxBatch, int Capacity)
{
    public const int DefaultMaxEventsPerSession = 10_000;

    public static readonly EventLogSettings Default = new(DefaultMaxEventsPerSession, TimeSpan.FromMilliseconds(50), 2_000, 200_000);
}
