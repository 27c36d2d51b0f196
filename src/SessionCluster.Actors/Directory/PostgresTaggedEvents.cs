using Akka;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Npgsql;
using SessionCluster.Actors.Serialization;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// <c>CurrentEventsByTag</c> and <c>EventsByTag</c> read straight from the PostgreSQL journal's tables (as
/// Akka.Persistence.Sql lays them out with the default mapping: <c>journal</c>, and <c>tags</c> in TagTable mode), in
/// pages by the journal's <c>ordering</c>: the same contract as <see cref="SqliteTaggedEvents"/> (deleted rows skipped
/// but for a pruned session's tombstone, payloads read with the serializer and manifest they were written with).
/// <para>
/// Gaps. <c>ordering</c> comes from a sequence, taken when a row is inserted, and transactions commit in any order: a
/// reader may see 11 before 10 commits, and a page read past 10 then would skip it forever. So a look reads only up to
/// an end below which every row is final. One statement takes the journal's last ordering M and counts the rows after
/// the reader's position up to it: when none is missing (the usual case, and the only query while nothing changes) M
/// is the end. When some are missing, they are either held by writes still in flight or holes that stay (a rolled back
/// write, a deleted row). Every write holds the journal's <c>RowExclusiveLock</c> from before it takes its ordering
/// until it ends, and ends visible before it lets go; so the reader lists, after reading M, the transactions holding
/// that lock (<c>pg_locks</c>), and once none of them holds it any more every row up to M is final. It waits for that
/// checking every 10 ms (writes take milliseconds) for at most <c>inFlightWait</c>; a write that is still open
/// then leaves the end at the last row before the first hole, and the next look tries again. Nothing is skipped, and
/// writers never wait for a reader: no lock is taken (a <c>LOCK TABLE ... SHARE</c> fence would be as safe, but would
/// hold up every write behind it and cancel the journal's autovacuum), no transaction is kept open, and no hole is
/// given up on after a time (a time limit would lose the event of a write slower than it).
/// </para>
/// </summary>
/// <param name="pollInterval">How long the live query waits after finding nothing new before it looks again.</param>
/// <param name="inFlightWait">How long a look waits for writes in flight below the last ordering (<see cref="DefaultInFlightWait"/>).</param>
public sealed class PostgresTaggedEvents(
    string connectionString,
    AkkaSerialization serialization,
    int pageSize = 1000,
    TimeSpan? pollInterval = null,
    TimeSpan? inFlightWait = null)
    : ICurrentEventsByTagQuery, IEventsByTagQuery
{
    /// <summary>How often the live query looks for new events by default: a change is listed within about a second.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a look waits by default for the writes in flight below the journal's last ordering to end.</summary>
    public static readonly TimeSpan DefaultInFlightWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan InFlightCheck = TimeSpan.FromMilliseconds(10);

    private readonly TimeSpan pollInterval = pollInterval ?? DefaultPollInterval;
    private readonly TimeSpan inFlightWait = inFlightWait ?? DefaultInFlightWait;
    private readonly int pageSize = pageSize;
    private volatile bool tablesExist;

    public Source<EventEnvelope, NotUsed> CurrentEventsByTag(string tag, Offset offset)
    {
        var from = OffsetOf(offset);
        return Source.Single(NotUsed.Instance)
            .SelectAsync(1, _ => EndAsync(from))
            .ConcatMany(end => Source.UnfoldAsync(from, async after =>
                after >= end ? Akka.Util.Option<(long, IReadOnlyList<EventEnvelope>)>.None : Akka.Util.Option<(long, IReadOnlyList<EventEnvelope>)>.Create(await PageAsync(tag, after, end))))
            .SelectMany(page => page);
    }

    /// <summary>
    /// Every event of <paramref name="tag"/> after <paramref name="offset"/>, then each new one as it is committed. A
    /// look is one indexed query while nothing changed (the journal's last ordering and the count of rows up to it),
    /// and there is at most one look per <c>pollInterval</c> unless a full page says there is more to read. Never completes.
    /// </summary>
    public Source<EventEnvelope, NotUsed> EventsByTag(string tag, Offset offset) =>
        Source.UnfoldResourceAsync<IReadOnlyList<EventEnvelope>, LiveFollow>(
                () => Task.FromResult(new LiveFollow(this, tag, OffsetOf(offset))),
                follow => follow.NextAsync(),
                _ => Task.FromResult(Done.Instance))
            .SelectMany(page => page);

    /// <summary>One live follower: where it is, the end it may read to, and when it last looked.</summary>
    private sealed class LiveFollow(PostgresTaggedEvents events, string tag, long after)
    {
        private long after = after;
        private long end = after;
        private long lastLook;

        public async Task<Akka.Util.Option<IReadOnlyList<EventEnvelope>>> NextAsync()
        {
            while (true)
            {
                if (after >= end)
                {
                    if (lastLook != 0)
                    {
                        var due = events.pollInterval - System.Diagnostics.Stopwatch.GetElapsedTime(lastLook);
                        if (due > TimeSpan.Zero)
                        {
                            await Task.Delay(due);
                        }
                    }

                    lastLook = System.Diagnostics.Stopwatch.GetTimestamp();
                    end = Math.Max(end, await events.EndAsync(after));
                    if (after >= end)
                    {
                        continue;
                    }
                }

                // Past untagged rows too, so they are not read again at every look.
                var (next, page) = await events.PageAsync(tag, after, end);
                after = next;
                if (page.Count > 0)
                {
                    return Akka.Util.Option<IReadOnlyList<EventEnvelope>>.Create(page);
                }
            }
        }
    }

    private static long OffsetOf(Offset offset) => offset is Sequence sequence ? sequence.Value : 0;

    /// <summary>The highest ordering at or after <paramref name="after"/> below which every row is final (see the class's remarks).</summary>
    private async Task<long> EndAsync(long after)
    {
        await using var connection = await OpenAsync();
        if (!await TablesExistAsync(connection))
        {
            return after; // A new database: the plugin creates its tables when it first starts; nothing to read yet.
        }

        long last;
        long present;
        await using (var look = new NpgsqlCommand("""
            WITH m AS (SELECT COALESCE(MAX(ordering), 0) AS last FROM journal)
            SELECT m.last, (SELECT COUNT(*) FROM journal WHERE ordering > @after AND ordering <= m.last) FROM m;
            """, connection))
        {
            look.Parameters.AddWithValue("after", after);
            await using var reader = await look.ExecuteReaderAsync();
            await reader.ReadAsync();
            (last, present) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (last <= after || present == last - after)
        {
            return Math.Max(after, last);
        }

        // Read after the last ordering: every write that may still hold a missing one holds the lock now.
        var writers = await WritersAsync(connection, null);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(inFlightWait.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (writers.Length > 0)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                return await BeforeFirstHoleAsync(connection, after, last);
            }

            await Task.Delay(InFlightCheck);
            writers = await WritersAsync(connection, writers);
        }

        return last;
    }

    /// <summary>The transactions holding the journal's write lock (of <paramref name="among"/> only, when given).</summary>
    private static async Task<string[]> WritersAsync(NpgsqlConnection connection, string[]? among)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT virtualtransaction FROM pg_locks
            WHERE locktype = 'relation' AND relation = 'journal'::regclass AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND mode = 'RowExclusiveLock' AND virtualtransaction IS NOT NULL AND pid <> pg_backend_pid()
              {(among is null ? "" : "AND virtualtransaction = ANY(@among)")};
            """, connection);
        if (among is not null)
        {
            command.Parameters.AddWithValue("among", among);
        }

        var writers = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            writers.Add(reader.GetString(0));
        }

        return [.. writers.Distinct()];
    }

    /// <summary>The last ordering after <paramref name="after"/> (up to <paramref name="last"/>) with no row missing before it: all committed.</summary>
    private static async Task<long> BeforeFirstHoleAsync(NpgsqlConnection connection, long after, long last)
    {
        await using var command = new NpgsqlCommand("""
            SELECT MIN(x) FROM (SELECT @after::bigint AS x UNION ALL SELECT ordering FROM journal WHERE ordering > @after AND ordering < @last) s
            WHERE NOT EXISTS (SELECT 1 FROM journal k WHERE k.ordering = s.x + 1);
            """, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("last", last);
        return await command.ExecuteScalarAsync() is long end ? end : after;
    }

    private async Task<bool> TablesExistAsync(NpgsqlConnection connection)
    {
        if (tablesExist)
        {
            return true;
        }

        await using var exists = new NpgsqlCommand("SELECT to_regclass('journal') IS NOT NULL AND to_regclass('tags') IS NOT NULL;", connection);
        return tablesExist = (bool)(await exists.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The next page of events of <paramref name="tag"/> after <paramref name="after"/> up to <paramref name="end"/> (an
    /// ordering below which every row is final), and where the next page starts.
    /// </summary>
    private async Task<(long, IReadOnlyList<EventEnvelope>)> PageAsync(string tag, long after, long end)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT j.ordering, j.persistence_id, j.sequence_number, j.message, j.manifest, j.identifier, j.created
            FROM journal j
            WHERE j.ordering > @after AND j.ordering <= @end
              AND ((NOT j.deleted AND EXISTS (SELECT 1 FROM tags t WHERE t.ordering_id = j.ordering AND t.tag = @tag))
                   OR (j.deleted AND j.identifier = @serializer AND j.manifest = @pruned))
            ORDER BY j.ordering
            LIMIT @limit;
            """, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("end", end);
        command.Parameters.AddWithValue("tag", tag);
        command.Parameters.AddWithValue("serializer", SessionEventSerializer.SerializerId);
        command.Parameters.AddWithValue("pruned", SessionEventSerializer.SessionPrunedManifest);
        command.Parameters.AddWithValue("limit", pageSize);
        var envelopes = new List<EventEnvelope>();
        var last = after;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                last = reader.GetInt64(0);
                var payload = serialization.Deserialize((byte[])reader[3], reader.GetInt32(5), reader.IsDBNull(4) ? "" : reader.GetString(4));
                envelopes.Add(new EventEnvelope(
                    new Sequence(last), reader.GetString(1), reader.GetInt64(2), payload, reader.GetInt64(6), [tag]));
            }
        }

        // A page shorter than asked means the rest up to the end holds no event of this tag.
        var next = envelopes.Count < pageSize ? end : last;
        return (next, envelopes);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
