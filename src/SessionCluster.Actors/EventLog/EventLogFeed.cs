using System.Collections.Immutable;

namespace SessionCluster.Actors.EventLog;

/// <summary>
/// What the <see cref="EventLogWriter"/> committed, handed to the live followers of each session (SSE clients) in
/// process, so a follower never polls the database. Publishing never waits: a follower whose buffer is full is
/// dropped (<see cref="EventLogFollower.Dropped"/>). With nobody following, publishing is one read of a counter.
/// </summary>
public sealed class EventLogFeed
{
    private readonly object gate = new();
    // Copied on change (a follower comes or goes), read without a lock by the writer.
    private ImmutableDictionary<string, ImmutableArray<EventLogFollower>> followers =
        ImmutableDictionary<string, ImmutableArray<EventLogFollower>>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>How many followers are connected, over all sessions.</summary>
    public int Count => Volatile.Read(ref followers).Values.Sum(f => f.Length);

    /// <summary>
    /// Starts buffering the session's entries committed from now on, of these <paramref name="types"/> (null: all), at
    /// most <paramref name="capacity"/> waiting. Dispose it to stop.
    /// </summary>
    public EventLogFollower Follow(string sessionId, IReadOnlySet<string>? types, int capacity)
    {
        var follower = new EventLogFollower(this, sessionId, types, capacity);
        lock (gate)
        {
            var current = followers.TryGetValue(sessionId, out var those) ? those : [];
            Volatile.Write(ref followers, followers.SetItem(sessionId, current.Add(follower)));
        }

        return follower;
    }

    /// <summary>Called by the writer after <paramref name="committed"/> were stored, on its own task.</summary>
    internal void Publish(IReadOnlyList<EventLogRecord> committed)
    {
        var snapshot = Volatile.Read(ref followers);
        if (snapshot.IsEmpty)
        {
            return;
        }

        foreach (var record in committed)
        {
            if (snapshot.TryGetValue(record.SessionId, out var those))
            {
                foreach (var follower in those)
                {
                    follower.Offer(record);
                }
            }
        }
    }

    internal void Remove(EventLogFollower follower)
    {
        lock (gate)
        {
            if (!followers.TryGetValue(follower.SessionId, out var those))
            {
                return;
            }

            var rest = those.Remove(follower);
            Volatile.Write(ref followers, rest.IsEmpty ? followers.Remove(follower.SessionId) : followers.SetItem(follower.SessionId, rest));
        }
    }
}
