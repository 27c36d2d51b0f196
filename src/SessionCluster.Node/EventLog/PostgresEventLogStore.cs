using Npgsql;
using NpgsqlTypes;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Node.EventLog;

/// <summary>
/// Session event logs in PostgreSQL, with the semantics of <see cref="SqliteEventLogStore"/>: <c>session_events</c>
/// holds the entries, <c>session_event_logs</c> one row per session with its agent, last sequence number and dropped
/// count. Each entry's search body (the same as SQLite's) is indexed by a generated <c>tsvector</c> column with a GIN
/// index, so rows written or deleted by any means are indexed or unindexed with them.
/// </summary>
/// <remarks>
/// Words are FTS5's: the body's ASCII punctuation becomes spaces before the 'simple' configuration (no stemming, no
/// stop words) reads it, so <c>rm -rf</c> and <c>Program.cs</c> are found as in SQLite, inside <c>src/Program.cs</c>
/// too (PostgreSQL's parser alone reads that as one file token). A search is a phrase (<c>phraseto_tsquery</c>), the
/// newest <see cref="RankedMatches"/> matches ranked by <c>ts_rank</c> (normalized by the log of the entry's length,
/// where SQLite's bm25 also weighs how rare each word is). The snippet is FTS5's, made here from the body of each hit
/// (<see cref="SearchText"/>): <c>ts_headline</c> reads the body with PostgreSQL's own parser, which does not find
/// <c>Program.cs</c> in <c>src/Program.cs</c>, and brackets each word of the phrase wherever it stands.
/// Every call is one statement, or one batch, which PostgreSQL runs as one transaction: one round trip.
/// /// </remarks>
public sealed class PostgresEventLogStore : IEventLogStore
{
    /// <summary>Most matches a search ranks: the newest ones (as in <see cref="SqliteEventLogStore.RankedMatches"/>).</summary>
    public const int RankedMatches = SqliteEventLogStore.RankedMatches;

    // Any constant: nodes that start together make the tables one after the other, not racing in the catalog.
    private const long SchemaLock = 0x5345_5353_4C4F_4701;

    private static readonly string Body =
        $"CASE WHEN type IN ({string.Join(", ", SqliteEventLogStore.RawSearchedTypes.Select(t => $"'{t}'"))}) THEN summary || ' ' || raw ELSE summary END";

    private static readonly string Tables = $"""
        SELECT pg_advisory_xact_lock({SchemaLock});
        CREATE TABLE IF NOT EXISTS session_events (
            id bigint GENERATED ALWAYS AS IDENTITY,
            session_id text NOT NULL,
            seq bigint NOT NULL,
            at timestamptz NOT NULL,
            type text NOT NULL,
            summary text NOT NULL,
            raw text NOT NULL,
            truncated boolean NOT NULL,
            search tsvector GENERATED ALWAYS AS (
                to_tsvector('simple'::regconfig, regexp_replace({Body}, '{SearchText.SqlSeparators}', ' ', 'g'))) STORED,
            PRIMARY KEY (session_id, seq));
        CREATE INDEX IF NOT EXISTS session_events_by_type ON session_events (session_id, type, seq);
        CREATE INDEX IF NOT EXISTS session_events_search ON session_events USING gin (search);
        CREATE TABLE IF NOT EXISTS session_event_logs (
            session_id text NOT NULL PRIMARY KEY,
            agent text,
            last_seq bigint NOT NULL,
            dropped bigint NOT NULL);
        """;

    private const string Insert = """
        INSERT INTO session_events (session_id, seq, at, type, summary, raw, truncated)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::boolean[])
        """;

    private const string UpsertHeads = """
        INSERT INTO session_event_logs (session_id, agent, last_seq, dropped)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
        ON CONFLICT (session_id) DO UPDATE SET
            agent = coalesce(excluded.agent, session_event_logs.agent),
            last_seq = greatest(session_event_logs.last_seq, excluded.last_seq),
            dropped = session_event_logs.dropped + excluded.dropped
        """;

    // Deletes the entries beyond each bound and counts them as dropped; a session within its bound is not touched.
    private const string Trim = """
        WITH bounds AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS b (session_id, up_to)),
        gone AS (
            DELETE FROM session_events e USING bounds b WHERE e.session_id = b.session_id AND e.seq <= b.up_to
            RETURNING e.session_id),
        counts AS (SELECT session_id, count(*) AS n FROM gone GROUP BY session_id)
        UPDATE session_event_logs h SET dropped = h.dropped + c.n FROM counts c WHERE h.session_id = c.session_id
        """;

    private readonly string connectionString;

    /// <summary>A store on the database <paramref name="connectionString"/> (Npgsql's) names, its tables made if missing.</summary>
    public PostgresEventLogStore(string connectionString)
    {
        this.connectionString = connectionString;
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(Tables, connection, transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public EventLogHead? Head(string sessionId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT last_seq, dropped FROM session_event_logs WHERE session_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sessionId });
        using var reader = command.ExecuteReader();
        return reader.Read() ? new EventLogHead(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession)
    {
        if (events.Count == 0 && dropped.Count == 0)
        {
            return;
        }

        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        var agents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            agents[e.SessionId] = e.Agent ?? agents.GetValueOrDefault(e.SessionId);
            last[e.SessionId] = Math.Max(e.Seq, last.GetValueOrDefault(e.SessionId));
        }

        var heads = last.Keys.Union(dropped.Keys).ToArray();
        var trimmed = last.Where(l => l.Value - maxPerSession > 0).ToArray();

        using var connection = Open();
        // One batch is one round trip and one transaction: PostgreSQL runs the statements before the batch's single
        // Sync as one implicit transaction, and a failing one rolls back those before it.
        using var batch = new NpgsqlBatch(connection);
        if (events.Count > 0)
        {
            batch.BatchCommands.Add(Command(Insert,
                Array(events.Select(e => e.SessionId)),
                Array(events.Select(e => e.Seq)),
                Array(events.Select(e => Milliseconds(e.At))),
                Array(events.Select(e => e.Entry.Type)),
                Array(events.Select(e => e.Entry.Summary)),
                Array(events.Select(e => e.Entry.Raw)),
                Array(events.Select(e => e.Entry.Truncated))));
        }

        batch.BatchCommands.Add(Command(UpsertHeads,
            Array(heads),
            Array(heads.Select(s => agents.GetValueOrDefault(s))),
            Array(heads.Select(s => last.GetValueOrDefault(s))),
            Array(heads.Select(s => dropped.GetValueOrDefault(s)))));

        if (trimmed.Length > 0)
        {
            batch.BatchCommands.Add(Command(Trim, Array(trimmed.Select(t => t.Key)), Array(trimmed.Select(t => t.Value - maxPerSession))));
        }

        batch.ExecuteNonQuery();
    }

    public EventLogPage? Read(EventLogQuery query)
    {
        var types = query.Types is { Count: > 0 } t ? t.ToArray() : null;
        // The tail is the newest, read oldest first. One statement, one snapshot: the head and the entries agree.
        using var connection = Open();
        using var command = new NpgsqlCommand($"""
            SELECT h.last_seq, h.dropped, e.seq, e.at, e.type, e.summary, e.raw, e.truncated
            FROM session_event_logs h
            LEFT JOIN LATERAL (
                SELECT seq, at, type, summary, raw, truncated FROM session_events
                WHERE session_id = h.session_id AND seq > $2 AND ($3::text[] IS NULL OR type = ANY ($3))
                ORDER BY seq {(query.Tail is null ? "ASC" : "DESC")} LIMIT $4) e ON true
            WHERE h.session_id = $1
            ORDER BY e.seq
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.SessionId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = query.Since });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)types ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Min(query.Tail ?? query.Limit, query.Limit) });

        EventLogHead? head = null;
        var events = new List<EventLogRecord>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                head ??= new EventLogHead(reader.GetInt64(0), reader.GetInt64(1));
                if (!reader.IsDBNull(2))
                {
                    events.Add(new EventLogRecord(
                        query.SessionId,
                        reader.GetInt64(2),
                        reader.GetFieldValue<DateTimeOffset>(3),
                        new EventLogEntry(reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7))));
                }
            }
        }

        return head is null ? null : new EventLogPage(events, head);
    }

    public void Delete(string sessionId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("""
            WITH entries AS (DELETE FROM session_events WHERE session_id = $1)
            DELETE FROM session_event_logs WHERE session_id = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sessionId });
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<EventSearchHit> Search(EventSearchQuery query)
    {
        // The words, not PostgreSQL's query syntax, and split as the index splits them.
        var phrase = SearchText.Words(query.Text);
        if (phrase.Count == 0)
        {
            return [];
        }

        var types = query.Types is { Count: > 0 } t ? t.ToArray() : null;
        // Ranking reads each match's tsvector: a word in most entries would be ranked across all of them. Only the
        // newest RankedMatches (by insertion) are ranked; a search with fewer matches ranks them all. Ties go by
        // session and number in byte order, as in SQLite, whatever the database's collation.
        using var connection = Open();
        using var command = new NpgsqlCommand($"""
            WITH q AS (SELECT phraseto_tsquery('simple', $1) AS q),
            matches AS (
                SELECT e.session_id, e.seq, e.search FROM session_events e
                {(query.Agent is null ? "" : "JOIN session_event_logs h ON h.session_id = e.session_id AND h.agent = $3")}
                WHERE e.search @@ (SELECT q FROM q) AND ($2::text[] IS NULL OR e.type = ANY ($2))
                ORDER BY e.id DESC LIMIT {RankedMatches}),
            best AS (
                SELECT session_id, seq, ts_rank(search, (SELECT q FROM q), 1) AS rank FROM matches
                ORDER BY rank DESC, session_id COLLATE "C", seq LIMIT $4)
            SELECT e.session_id, e.seq, e.at, e.type, e.summary, {Body} AS body
            FROM best JOIN session_events e ON e.session_id = best.session_id AND e.seq = best.seq
            ORDER BY best.rank DESC, best.session_id COLLATE "C", best.seq
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Join(' ', phrase) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)types ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Agent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });

        var hits = new List<EventSearchHit>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            hits.Add(new EventSearchHit(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetString(3),
                reader.GetString(4),
                SearchText.Snippet(reader.GetString(5), phrase)));
        }

        return hits;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T[]> Array<T>(IEnumerable<T> values) => new() { TypedValue = values.ToArray() };

    // Milliseconds, as SQLite keeps them, so both stores read back the same instant; timestamptz holds UTC only.
    private static DateTimeOffset Milliseconds(DateTimeOffset at) =>
        DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }
}
