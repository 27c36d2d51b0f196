using Akka;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// <c>CurrentEventsByTag</c> read straight from the SQLite journal's tables (as Akka.Persistence.Sql lays them out:
/// <c>journal</c>, and <c>tags</c> in TagTable mode), in pages by offset: linear in the events read. The plugin's own
/// query computes each returned event's tags with a scan of the whole tag table, which makes a full read quadratic in
/// the journal's length (561 s for 100,000 events). SQLite commits one writer at a time, so offsets become visible in
/// order and no gap can be passed over. Used for the directory's catch-up; following live stays with the plugin.
/// </summary>
public sealed class SqliteTaggedEvents(string connectionString, AkkaSerialization serialization, int pageSize = 1000) : ICurrentEventsByTagQuery
{
    public Source<EventEnvelope, NotUsed> CurrentEventsByTag(string tag, Offset offset)
    {
        var from = offset is Sequence sequence ? sequence.Value : 0;
        return Source.Single(NotUsed.Instance)
            .SelectAsync(1, _ => Task.Run(End))
            .ConcatMany(end => Source.UnfoldAsync(from, after => Task.Run(() => Page(tag, after, end))))
            .SelectMany(page => page);
    }

    private long End()
    {
        using var connection = Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'tags');";
        if ((long)exists.ExecuteScalar()! < 2)
        {
            return 0; // A new data dir: the plugin creates its tables when it first starts; nothing to read yet.
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal;";
        return (long)command.ExecuteScalar()!;
    }

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
