using Microsoft.Data.Sqlite;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using SessionCluster.Node.EventLog;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>Live followers of the event log: the real writer, a real SQLite file, the feed in between.</summary>
public sealed class EventLogFeedTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDir temp = new();
    private readonly SqliteEventLogStore store;

    public EventLogFeedTests()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        store = SqliteEventLogStore.Create(settings.JournalConnectionString);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private static EventLogEntry Entry(string type, string summary) => new(type, summary, "{}", false);

    [Fact]
    public async Task A_follower_gets_what_the_writer_committed_of_its_session_and_types_in_order()
    {
        var feed = new EventLogFeed();
        await using var writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex, feed);
        using var follower = feed.Follow("a", new HashSet<string> { EventLogTypes.Command }, 100);

        writer.Append("a", "codex", Entry(EventLogTypes.Text, "said"), T0);
        writer.Append("b", "codex", Entry(EventLogTypes.Command, "other session"), T0);
        writer.Append("a", "codex", Entry(EventLogTypes.Command, "ls"), T0);
        writer.Append("a", "codex", Entry(EventLogTypes.Command, "pwd"), T0);
        await writer.FlushedAsync();

        var got = new List<EventLogRecord>();
        while (follower.Reader.TryRead(out var record))
        {
            got.Add(record);
        }

        Assert.Equal([(2L, "ls"), (3L, "pwd")], got.Select(r => (r.Seq, r.Entry.Summary)));
        // Committed before they were handed on: a follower that reads the store then finds them too.
        Assert.Equal(3, store.Head("a")!.LastSeq);
    }

    [Fact]
    public async Task A_follower_that_never_reads_is_dropped_with_the_reason_while_the_writer_keeps_committing()
    {
        var feed = new EventLogFeed();
        await using var writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex, feed);
        var stalled = feed.Follow("busy", null, 10);
        using var reading = feed.Follow("busy", null, 10_000);

        for (var i = 1; i <= 2_000; i++)
        {
            writer.Append("busy", "claude", Entry(EventLogTypes.Text, $"e{i}"), T0);
        }

        await writer.FlushedAsync();

        Assert.True(stalled.Dropped);
        Assert.True(stalled.Overflowed.IsCompleted);
        Assert.Contains("more than 10 events waited to be sent to this client", stalled.DropReason);
        Assert.Contains("reconnect with the Last-Event-ID header", stalled.DropReason);
        // What fit is still readable, then the buffer is closed: no entry after the gap can reach that follower.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), stalled.Reader.ReadAllAsync().ToBlockingEnumerable().Select(r => r.Seq));
        Assert.Equal(1, feed.Count);

        // Everything was written, and the follower that reads got every entry.
        Assert.Equal(new EventLogHead(2_000, 0), store.Head("busy"));
        Assert.False(reading.Dropped);
        Assert.Equal(2_000, reading.Reader.Count);

        writer.Append("busy", "claude", Entry(EventLogTypes.Text, "after"), T0);
        await writer.FlushedAsync();
        Assert.Equal(2_001, store.Head("busy")!.LastSeq);
        stalled.Dispose();
    }

    [Fact]
    public async Task The_flush_barrier_completes_after_what_was_queued_before_it_is_stored()
    {
        var feed = new EventLogFeed();
        // A long interval: the barrier must not depend on the writer writing on its own soon.
        await using var writer = new EventLogWriter(store, EventLogSettings.Default with { FlushInterval = TimeSpan.FromMilliseconds(200) }, ex => throw ex, feed);
        for (var i = 0; i < 50; i++)
        {
            writer.Append("s", "claude", Entry(EventLogTypes.Text, $"e{i}"), T0);
            await Task.Yield();
        }

        await writer.FlushedAsync();

        Assert.Equal(50, store.Head("s")!.LastSeq);
    }

    [Fact]
    public async Task Under_load_entries_gather_into_batches_not_one_transaction_each()
    {
        var counting = new CountingStore(store);
        await using var writer = new EventLogWriter(counting, EventLogSettings.Default, ex => throw ex);
        for (var i = 0; i < 5_000; i++)
        {
            writer.Append("load", "claude", Entry(EventLogTypes.Text, $"e{i}"), T0);
        }

        await writer.FlushedAsync();

        Assert.Equal(5_000, store.Head("load")!.LastSeq);
        Assert.True(counting.Batches <= 10, $"{counting.Batches} transactions for 5,000 entries queued at once");
    }

    [Fact]
    public async Task With_nobody_following_the_feed_holds_nothing()
    {
        var feed = new EventLogFeed();
        await using var writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex, feed);
        var follower = feed.Follow("x", null, 5);
        follower.Dispose();
        writer.Append("x", "claude", Entry(EventLogTypes.Text, "nobody"), T0);
        await writer.FlushedAsync();

        Assert.Equal(0, feed.Count);
        Assert.Equal(0, follower.Reader.Count);
    }

    private sealed class CountingStore(IEventLogStore inner) : IEventLogStore
    {
        public int Batches { get; private set; }

        public EventLogHead? Head(string sessionId) => inner.Head(sessionId);

        public void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession)
        {
            Batches++;
            inner.Append(events, dropped, maxPerSession);
        }

        public EventLogPage? Read(EventLogQuery query) => inner.Read(query);

        public void Delete(string sessionId) => inner.Delete(sessionId);

        public IReadOnlyList<EventSearchHit> Search(EventSearchQuery query) => inner.Search(query);
    }
}
