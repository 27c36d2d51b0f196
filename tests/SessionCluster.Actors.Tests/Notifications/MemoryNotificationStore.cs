using System.Collections.Concurrent;
using SessionCluster.Actors.Notifications;

namespace SessionCluster.Actors.Tests.Notifications;

/// <summary>The notifier's store in memory, for tests of the notifier alone (the SQLite store is tested on a real file).</summary>
public sealed class MemoryNotificationStore : INotificationStore
{
    private readonly ConcurrentDictionary<string, NotificationRecord> records = new();
    private long offset;

    public long LoadOffset() => Interlocked.Read(ref offset);

    public void Save(IReadOnlyCollection<NotificationRecord> changed, long? newOffset)
    {
        foreach (var record in changed)
        {
            records[record.Id] = record;
        }

        if (newOffset is { } at)
        {
            Interlocked.Exchange(ref offset, at);
        }
    }

    public IReadOnlySet<string> Settled(IReadOnlyCollection<string> ids) =>
        ids.Where(id => records.TryGetValue(id, out var r) && r.State.IsSettled()).ToHashSet();

    public IReadOnlyList<NotificationRecord> List(string? sessionId, int limit) =>
        records.Values.Where(r => sessionId is null || r.SessionId == sessionId).OrderByDescending(r => r.RaisedAt).Take(limit).ToList();

    public void Forget(IReadOnlyCollection<string> sessionIds)
    {
        foreach (var record in records.Values.Where(r => sessionIds.Contains(r.SessionId)).ToList())
        {
            records.TryRemove(record.Id, out _);
        }
    }
}
