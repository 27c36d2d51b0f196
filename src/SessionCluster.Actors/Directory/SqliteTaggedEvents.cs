using Akka;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Serialization;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// <c>CurrentEventsByTag</c> and <c>EventsByTag</c> read straight from the SQLite journal's tables (as
/// Akka.Persistence.Sql lays them out: <c>journal</c>, and <c>tags</c> in TagTable mode), in pages by offset on the
/// journal's primary key: linear in the events read. The plugin's own query computes each returned event's tags with a
/// scan of the whole tag table, which makes a full read quadratic in the journal's length (561 s for 100,000 events),
/// and its live query costs a new stream, a linq2db query build and a journal-sequence actor's polls every second even
/// when nothing changed. SQLite commits one writer at a time and the plugin writes an event and its tag rows in one
/// transaction, so offsets become visible in order and no gap can be passed over. Rows marked deleted are skipped, but
/// for a pruned session's tombstone (<see cref="SessionCluster.Domain.SessionPruned"/>, the one row its deleted journal
/// keeps): every directory, on every node and after any restart, learns from it that the session is gone.
/// </summary>
/// <param name="pollInterval">How long the live query waits after finding nothing new before it looks again.</param>
/// <param name="wakeOnWrite">Follow live by watching the database's files for writes instead of polling each interval.</param>
/// <param name="safetyPollInterval">With <paramref name="wakeOnWrite"/>: how often a follower looks anyway, in case a wake-up was missed.</param>
public sealed class SqliteTaggedEvents(
    string connectionString,
    AkkaSerialization serialization,
    int pageSize = 1000,
    TimeSpan? pollInterval = null,
    bool wakeOnWrite = false,
    TimeSpan? safetyPollInterval = null)
    : ICurrentEventsByTagQuery, IEventsByTagQuery
{
    /// <summary>How often the live query looks for new events by default: a change is listed within about a second.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    private readonly TimeSpan pollInterval = pollInterval ?? DefaultPollInterval;
    private readonly int pageSize = pageSize;

    public Source<EventEnvelope, NotUsed> CurrentEventsByTag(string tag, Offset offset)
    {
        var from = OffsetOf(offset);
        return Source.Single(NotUsed.Instance)
            .SelectAsync(1, _ => Task.Run(End))
            .ConcatMany(end => Source.UnfoldAsync(from, after => Task.Run(() => Page(tag, after, end))))
            .SelectMany(page => page);
    }

    /// <summary>
    /// Every event of <paramref name="tag"/> after <paramref name="offset"/>, then each new one as it is committed. A
    /// look is one indexed query (the journal's last offset, by its primary key; no stream, actor or query plan is built
    /// for it), and there is at most one look per <c>pollInterval</c> unless a full page says there is more to read. With
    /// <c>wakeOnWrite</c> the follower looks as soon as the database's files are written (inotify, no polling) and
    /// again a poll interval later (the write that woke it may become visible just after the first look), and otherwise
    /// only every safety poll interval (<see cref="DefaultSafetyPollInterval"/>); without it, every poll interval. Never completes.
    /// </summary>
    public Source<EventEnvelope, NotUsed> EventsByTag(string tag, Offset offset) =>
        Source.UnfoldResourceAsync<IReadOnlyList<EventEnvelope>, LiveFollow>(
                () => Task.FromResult(new LiveFollow(this, tag, OffsetOf(offset))),
                follow => follow.NextAsync(),
                follow => Task.FromResult(follow.Close()))
            .SelectMany(page => page);

    /// <summary>How often a follower woken by writes looks anyway by default.</summary>
    public static readonly TimeSpan DefaultSafetyPollInterval = TimeSpan.FromSeconds(5);

    private readonly TimeSpan safetyPollInterval = safetyPollInterval ?? DefaultSafetyPollInterval;

    /// <summary>How long after a wake-up a follower waits before it looks, so the write that woke it can commit.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);

    /// <summary>True while followers are woken by writes (the files are watched); false when they poll each interval.</summary>
    public bool WokenByWrites => watching;

    private event Action? Written;

    private readonly object gate = new();
    private FileSystemWatcher? watcher;
    private bool watching;

    /// <summary>Starts watching the database's files once, for the first follower; false when they cannot be watched.</summary>
    private bool Watch()
    {
        lock (gate)
        {
            if (watcher is not null || !wakeOnWrite)
            {
                return watching;
            }

            var file = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
            try
            {
                // The directory, not the file: the WAL is created (and may be removed) after the watch starts.
                watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*")
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                };
                watcher.Changed += (_, _) => Written?.Invoke();
                watcher.Created += (_, _) => Written?.Invoke();
                watcher.Error += (_, _) =>
                {
                    // An overflowed or broken watch: every follower goes back to looking every poll interval.
                    watching = false;
                    Written?.Invoke();
                };
                watcher.EnableRaisingEvents = true;
                watching = true;
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
            {
                watching = false;
            }

            return watching;
        }
    }

    /// <summary>One live follower: where it is, when it last looked, and whether a write woke it since.</summary>
    private sealed class LiveFollow
    {
        private readonly SqliteTaggedEvents events;
        private readonly string tag;
        private readonly Action onWritten;
        private TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long after;
        private bool more = true;
        private bool lookAgain;
        private long lastLook = System.Diagnostics.Stopwatch.GetTimestamp();

        public LiveFollow(SqliteTaggedEvents events, string tag, long after)
        {
            this.events = events;
            this.tag = tag;
            this.after = after;
            onWritten = () => Volatile.Read(ref woken).TrySetResult();
            events.Written += onWritten;
            events.Watch();
        }

        public Done Close()
        {
            events.Written -= onWritten;
            return Done.Instance;
        }

        public async Task<Akka.Util.Option<IReadOnlyList<EventEnvelope>>> NextAsync()
        {
            while (true)
            {
                if (!more)
                {
                    await WaitForTurnAsync();
                }

                // A write noticed before this look may commit just after it: look once more a poll interval later.
                if (Interlocked.Exchange(ref woken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.IsCompleted)
                {
                    lookAgain = true;
                }

                lastLook = System.Diagnostics.Stopwatch.GetTimestamp();
                var (next, page) = await Task.Run(() =>
                {
                    var end = events.End();
                    return events.Page(tag, after, end) is { HasValue: true } found ? found.Value : (Math.Max(after, end), []);
                });

                // Past untagged rows too, so they are not read again at every look.
                after = next;
                more = page.Count == events.pageSize;
                if (page.Count > 0)
                {
                    return Akka.Util.Option<IReadOnlyList<EventEnvelope>>.Create(page);
                }
            }
        }

        /// <summary>Until the next look is due: never sooner than a poll interval after the last one.</summary>
        private async Task WaitForTurnAsync()
        {
            if (lookAgain || !events.watching)
            {
                lookAgain = false;
                await DelayAsync(events.pollInterval - SinceLastLook());
                return;
            }

            var wake = Volatile.Read(ref woken).Task;
            if (await Task.WhenAny(wake, DelayAsync(events.safetyPollInterval - SinceLastLook())) == wake)
            {
                var due = events.pollInterval - SinceLastLook();
                await DelayAsync(due > Settle ? due : Settle);
            }
        }

        private TimeSpan SinceLastLook() => System.Diagnostics.Stopwatch.GetElapsedTime(lastLook);

        private static Task DelayAsync(TimeSpan delay) => delay > TimeSpan.Zero ? Task.Delay(delay) : Task.CompletedTask;
    }

    private static long OffsetOf(Offset offset) => offset is Sequence sequence ? sequence.Value : 0;

    private long End()
    {
        using var connection = Open();
        if (!TablesExist(connection))
        {
            return 0; // A new data dir: the plugin creates its tables when it first starts; nothing to read yet.
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal;";
        return (long)command.ExecuteScalar()!;
    }

    private static bool TablesExist(SqliteConnection connection)
    {
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'tags');";
        return (long)exists.ExecuteScalar()! == 2;
    }

    /// <summary>
    /// The next page of events of <paramref name="tag"/> after <paramref name="after"/> up to <paramref name="end"/> (an
    /// offset already committed: every row up to it is visible); None at the end.
    /// </summary>
    private Akka.Util.Option<(long, IReadOnlyList<EventEnvelope>)> Page(string tag, long after, long end)
    {
        if (after >= end)
        {
            return Akka.Util.Option<(long, IReadOnlyList<EventEnvelope>)>.None;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT j.ordering, j.persistence_id, j.sequence_number, j.message, j.manifest, j.identifier, j.created
            FROM journal j
            WHERE j.ordering > $after AND j.ordering <= $end
              AND ((j.deleted = 0 AND EXISTS (SELECT 1 FROM tags t WHERE t.ordering_id = j.ordering AND t.tag = $tag))
                   OR (j.deleted = 1 AND j.identifier = $serializer AND j.manifest = $pruned))
            ORDER BY j.ordering
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$end", end);
        command.Parameters.AddWithValue("$tag", tag);
        command.Parameters.AddWithValue("$serializer", SessionEventSerializer.SerializerId);
        command.Parameters.AddWithValue("$pruned", SessionEventSerializer.SessionPrunedManifest);
        command.Parameters.AddWithValue("$limit", pageSize);
        var envelopes = new List<EventEnvelope>();
        var last = after;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                var payload = serialization.Deserialize((byte[])reader[3], reader.GetInt32(5), reader.IsDBNull(4) ? "" : reader.GetString(4));
                envelopes.Add(new EventEnvelope(
                    new Sequence(last), reader.GetString(1), reader.GetInt64(2), payload, reader.GetInt64(6), [tag]));
            }
        }

        // A page shorter than asked means the rest up to the end holds no event of this tag.
        var next = envelopes.Count < pageSize ? end : last;
        return (next, (IReadOnlyList<EventEnvelope>)envelopes);
    }

    private SqliteConnection Open()
    {
        return SqliteBusyWait.Open(connectionString);
    }
}
