namespace SessionCluster.Actors.Notifications;

/// <summary>
/// Where the notifier keeps each notification's delivery state between runs, and the journal offset up to which every
/// notification is settled: a restart reads the journal on from there and delivers what is not settled yet.
/// </summary>
public interface INotificationStore
{
    /// <summary>0 on a new data dir.</summary>
    long LoadOffset();

    /// <summary>Writes <paramref name="records"/> (replacing those with the same id) and, when given, the offset, in one transaction.</summary>
    void Save(IReadOnlyCollection<NotificationRecord> records, long? offset);

    /// <summary>The ids among <paramref name="ids"/> whose notification is settled (delivered or debounced).</summary>
    IReadOnlySet<string> Settled(IReadOnlyCollection<string> ids);

    /// <summary>The newest first, of one session or of all.</summary>
    IReadOnlyList<NotificationRecord> List(string? sessionId, int limit);

    /// <summary>Forgets what is kept of these (pruned) sessions' notifications.</summary>
    void Forget(IReadOnlyCollection<string> sessionIds);
}
