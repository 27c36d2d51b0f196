using Microsoft.Data.Sqlite;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Node.EventLog;

/// <summary>
/// Session event logs in the node's SQLite file (the journal's, already in WAL mode): <c>session_events</c> holds the
/// entries, <c>session_event_logs</c> one row per session with its agent, last sequence number and dropped count;
/// <c>session_events_fts</c> (FTS5, kept by triggers) indexes their summary and raw JSON for search.
/// </summary>
public sealed class SqliteEventLogStore : IEventLogStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS session_events (
            session_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            at INTEGER NOT NULL,
            type TEXT NOT NULL,
            summary TEXT NOT NULL,
            raw TEXT NOT NULL,
            truncated INTEGER NOT NULL,
            PRIMARY KEY (session_id, seq));
        CREATE INDEX IF NOT EXISTS session_events_by_type ON session_events (session_id, type, seq);
        CREATE TABLE IF NOT EXISTS session_event_logs (
            session_id TEXT NOT NULL PRIMARY KEY,
            agent TEXT,
            last_seq INTEGER NOT NULL,
            dropped INTEGER NOT NULL);
        CREATE VIRTUAL TABLE IF NOT EXISTS session_events_fts USING fts5(
            summary, raw, content = 'session_events', content_rowid = 'rowid');
        CREATE TRIGGER IF NOT EXISTS session_events_fts_insert AFTER INSERT ON session_events BEGIN
            INSERT INTO session_events_fts (rowid, summary, raw) VALUES (new.rowid, new.summary, new.raw);
        END;
        CREATE TRIGGER IF NOT EXISTS session_events_fts_delete AFTER DELETE ON session_events BEGIN
            INSERT INTO session_events_fts (session_events_fts, rowid, summary, raw) VALUES ('delete', old.rowid, old.summary, old.raw);
        END;
        """;

    private readonly string connectionString;

    private SqliteEventLogStore(string connectionString) => this.connectionString = connectionString;

    /// <summary>A store on the database <paramref name="connectionString"/> names, its tables made if missing.</summary>
    public static SqliteEventLogStore Create(string connectionString)
    {
        var store = new SqliteEventLogStore(connectionString);
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        return store;
    }

    public EventLogHead? Head(string sessionId)
    {
        using var connection = Open();
        return Head(connection, null, sessionId);
    }

    public void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession)
    {
        if (events.Count == 0 && dropped.Count == 0)
        {
            return;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO session_events (session_id, seq, at, type, summary, raw, truncated)
            VALUES ($session, $seq, $at, $type, $summary, $raw, $truncated)
            """;
        var session = insert.Parameters.Add("$session", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var summary = insert.Parameters.Add("$summary", SqliteType.Text);
        var raw = insert.Parameters.Add("$raw", SqliteType.Text);
        var truncated = insert.Parameters.Add("$truncated", SqliteType.Integer);
        insert.Prepare();

        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        var agents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            agents[e.SessionId] = e.Agent ?? agents.GetValueOrDefault(e.SessionId);
            session.Value = e.SessionId;
            seq.Value = e.Seq;
            at.Value = e.At.ToUnixTimeMilliseconds();
            type.Value = e.Entry.Type;
            summary.Value = e.Entry.Summary;
            raw.Value = e.Entry.Raw;
            truncated.Value = e.Entry.Truncated ? 1 : 0;
            insert.ExecuteNonQuery();
            last[e.SessionId] = Math.Max(e.Seq, last.GetValueOrDefault(e.SessionId));
        }

        foreach (var sessionId in last.Keys.Union(dropped.Keys))
        {
            UpdateHead(connection, transaction, sessionId, agents.GetValueOrDefault(sessionId), last.GetValueOrDefault(sessionId), dropped.GetValueOrDefault(sessionId));
        }

        foreach (var (sessionId, lastSeq) in last)
        {
            Trim(connection, transaction, sessionId, lastSeq - maxPerSession);
        }

        transaction.Commit();
    }

    public EventLogPage? Read(EventLogQuery query)
    {
        using var connection = Open();
        // One snapshot of the database: the head and the entries agree.
        using var transaction = connection.BeginTransaction(deferred: true);
        if (Head(connection, transaction, query.SessionId) is not { } head)
        {
            return null;
        }

        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        var where = "session_id = $session AND seq > $since";
        if (query.Types is { Count: > 0 } types)
        {
            var names = types.Select((t, i) => (Name: $"$t{i}", Type: t)).ToList();
            where += $" AND type IN ({string.Join(", ", names.Select(n => n.Name))})";
            foreach (var (name, t) in names)
            {
                select.Parameters.AddWithValue(name, t);
            }
        }

        var newestFirst = query.Tail is not null;
        select.CommandText = $"""
            SELECT seq, at, type, summary, raw, truncated FROM session_events
            WHERE {where} ORDER BY seq {(newestFirst ? "DESC" : "ASC")} LIMIT $limit
            """;
        select.Parameters.AddWithValue("$session", query.SessionId);
        select.Parameters.AddWithValue("$since", query.Since);
        select.Parameters.AddWithValue("$limit", Math.Min(query.Tail ?? query.Limit, query.Limit));

        var events = new List<EventLogRecord>();
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                events.Add(new EventLogRecord(
                    query.SessionId,
                    reader.GetInt64(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    new EventLogEntry(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5) != 0)));
            }
        }

        if (newestFirst)
        {
            events.Reverse();
        }

        return new EventLogPage(events, head);
    }

    public IReadOnlyList<EventSearchHit> Search(EventSearchQuery query)
    {
        using var connection = Open();
        using var select = connection.CreateCommand();
        var where = "session_events_fts MATCH $match";
        if (query.Types is { Count: > 0 } types)
        {
            var names = types.Select((t, i) => (Name: $"$t{i}", Type: t)).ToList();
            where += $" AND e.type IN ({string.Join(", ", names.Select(n => n.Name))})";
            foreach (var (name, t) in names)
            {
                select.Parameters.AddWithValue(name, t);
            }
        }

        if (query.Agent is { } agent)
        {
            where += " AND h.agent = $agent";
            select.Parameters.AddWithValue("$agent", agent);
        }

        select.CommandText = $"""
            SELECT e.session_id, e.seq, e.at, e.type, e.summary, snippet(session_events_fts, -1, '[', ']', '…', 16)
            FROM session_events_fts
            JOIN session_events e ON e.rowid = session_events_fts.rowid
            LEFT JOIN session_event_logs h ON h.session_id = e.session_id
            WHERE {where}
            ORDER BY bm25(session_events_fts), e.session_id, e.seq
            LIMIT $limit
            """;
        select.Parameters.AddWithValue("$match", Phrase(query.Text));
        select.Parameters.AddWithValue("$limit", query.Limit);

        var hits = new List<EventSearchHit>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            hits.Add(new EventSearchHit(
                reader.GetString(0),
                reader.GetInt64(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5)));
        }

        return hits;
    }

    /// <summary>The text as one FTS5 phrase: its words in this order, whatever characters it holds (no query syntax).</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static EventLogHead? Head(SqliteConnection connection, SqliteTransaction? transaction, string sessionId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT last_seq, dropped FROM session_event_logs WHERE session_id = $session";
        command.Parameters.AddWithValue("$session", sessionId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new EventLogHead(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private static void UpdateHead(
        SqliteConnection connection, SqliteTransaction transaction, string sessionId, string? agent, long lastSeq, long dropped)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO session_event_logs (session_id, agent, last_seq, dropped) VALUES ($session, $agent, $last, $dropped)
            ON CONFLICT (session_id) DO UPDATE SET
                agent = coalesce(excluded.agent, agent),
                last_seq = max(last_seq, excluded.last_seq),
                dropped = dropped + excluded.dropped
            """;
        command.Parameters.AddWithValue("$session", sessionId);
        command.Parameters.AddWithValue("$agent", (object?)agent ?? DBNull.Value);
        command.Parameters.AddWithValue("$last", lastSeq);
        command.Parameters.AddWithValue("$dropped", dropped);
        command.ExecuteNonQuery();
    }

    /// <summary>Deletes the session's entries numbered up to <paramref name="upTo"/> and counts them as dropped.</summary>
    private static void Trim(SqliteConnection connection, SqliteTransaction transaction, string sessionId, long upTo)
    {
        if (upTo <= 0)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM session_events WHERE session_id = $session AND seq <= $upTo;
            UPDATE session_event_logs SET dropped = dropped + changes() WHERE session_id = $session;
            """;
        command.Parameters.AddWithValue("$session", sessionId);
        command.Parameters.AddWithValue("$upTo", upTo);
        command.ExecuteNonQuery();
    }

    public void Delete(string sessionId)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM session_events WHERE session_id = $session;
            DELETE FROM session_event_logs WHERE session_id = $session;
            """;
        command.Parameters.AddWithValue("$session", sessionId);
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
