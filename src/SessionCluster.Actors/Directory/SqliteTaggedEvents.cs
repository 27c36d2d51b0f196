using Akka;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// <c>CurrentEventsByTag</c> and <c>EventsByTag</c> read straight from the SQLite journal's tables (as
/// Akka.Persistence.Sql lays them out: <c>journal</c>, and <c>tags</c> in TagTable mode), in pages by offset on the
/// journal's primary key: linear in the events read. The plugin's own query computes each returned event's tags with a
/// scan of the whole tag table, which makes a full read quadratic in the journal's length (561 s for 100,000 events),
/// and its live query costs a new stream, a linq2db query build and a journal-sequence actor's polls every second even
/// when nothing changed. SQLite commits one writer at a time and the plugin writes an event and its tag rows in one
/// transaction, so offsets become visible in order and no gap can be passed over.
/// </summary>
/// <param name="pollInterval">How long the live query waits after finding nothing new before it looks again.</param>
public sealed class SqliteTaggedEvents(string connectionString, AkkaSerialization serialization, int pageSize = 1000, TimeSpan? pollInterval = null)
    : ICurrentEventsByTagQuery, IEventsByTagQuery
{
    /// <summary>How often the live query looks for new events by default: a change is listed within about a second.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    private readonly TimeSpan pollInterval = pollInterval ?? DefaultPollInterval;

    public Source<EventEnvelope, NotUsed> CurrentEventsByTag(string tag, Offset offset)
    {
        var from = OffsetOf(offset);
        return Source.Single(NotUsed.Instance)
            .SelectAsync(1, _ => Task.Run(End))
            .ConcatMany(end => Source.UnfoldAsync(from, after => Task.Run(() => Page(tag, after, end))))
            .SelectMany(page => page);
    }

    /// <summary>
    /// Every event of <paramref name="tag"/> after <paramref name="offset"/>, then each new one as it is committed: one
    /// indexed query per <c>pollInterval</c> while nothing changes (the journal's last offset, by its primary key; no
    /// stream, actor or query plan is built per poll), and pages back to back while there is more to read. Never completes.
    /// </summary>
    public Source<EventEnvelope, NotUsed> EventsByTag(string tag, Offset offset) =>
        Source.UnfoldAsync(OffsetOf(offset), async after =>
            {
                while (true)
                {
                    var end = await Task.Run(End);
                    var page = Page(tag, after, end);
                    if (page.HasValue && page.Value.Item2.Count > 0)
                    {
                        return page;
                    }

                    // Read past untagged rows too, so they are not scanned again at every poll.
                    after = Math.Max(after, end);
                    await Task.Delay(pollInterval);
                }
            })
            .SelectMany(page => page);

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
            WHERE j.ordering > $after AND j.ordering <= $end AND j.deleted = 0
              AND EXISTS (SELECT 1 FROM tags t WHERE t.ordering_id = j.ordering AND t.tag = $tag)
            ORDER BY j.ordering
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$end", end);
        command.Parameters.AddWithValue("$tag", tag);
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
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
