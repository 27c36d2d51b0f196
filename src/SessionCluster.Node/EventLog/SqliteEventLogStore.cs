using Microsoft.Data.Sqlite;
using SessionCluster.Actors;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Node.EventLog;

/// <summary>
/// Session event logs in the node's SQLite file (the journal's, already in WAL mode): <c>session_events</c> holds the
/// entries, <c>session_event_logs</c> one row per session with its agent, last sequence number and dropped count;
/// <c>session_events_fts</c> (FTS5 over the view <c>session_events_search</c>) indexes each entry's search body: Append
/// indexes the rows it writes, a trigger unindexes deleted rows. Rows inserted other than by Append are not indexed.
/// </summary>
/// <remarks>
/// The search body is an entry's summary, and for the types that hold the agent's own words (text, thinking, question,
/// plan, error) also its raw JSON. The raw JSON of tool results, tool uses, commands, file changes and metadata is
/// most of the bytes and rarely what is searched; tokenizing it capped writes at about 10,000 entries per CPU-second
/// (docs/BENCHMARKS.md, section 8). Their summaries (the command, the paths) are still indexed.
/// </remarks>
public sealed class SqliteEventLogStore : IEventLogStore
{
    private const string Tables = """
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
        """;

    /// <summary>The types whose raw JSON is searched as well as their summary.</summary>
    public static readonly IReadOnlyList<string> RawSearchedTypes =
        [EventLogTypes.Text, EventLogTypes.Thinking, EventLogTypes.Question, EventLogTypes.Plan, EventLogTypes.Error];

    /// <summary>The view the index is made from. Its text marks the index's schema: a file whose view differs (or has
    /// none, as before the view) gets the index made again from <c>session_events</c>.</summary>
    private static readonly string SearchView =
        $"CREATE VIEW session_events_search AS SELECT rowid AS rowid, {Body("")} AS body FROM session_events";

    // Append indexes a batch's rows in one statement from the view (IndexBatch), and the delete trigger unindexes the
    // same body: an external-content delete must be given exactly the text that was indexed. Deleting rows (trimming,
    // deleting a session) goes through the trigger. There is no insert trigger: FTS5 flushes what it holds to a new
    // segment at every statement that writes it, so a row-by-row trigger cost about 50 µs a row against 15 µs for one
    // statement per batch (docs/BENCHMARKS.md, section 8).
    private static readonly string Index = $"""
        CREATE VIRTUAL TABLE session_events_fts USING fts5(
            body, content = 'session_events_search', content_rowid = 'rowid');
        CREATE TRIGGER session_events_fts_delete AFTER DELETE ON session_events BEGIN
            INSERT INTO session_events_fts (session_events_fts, rowid, body) VALUES ('delete', old.rowid, {Body("old.")});
        END;
        """;

    // Drops the index of an earlier schema, including the first one, which indexed summary and raw of every entry.
    private const string DropIndex = """
        DROP TRIGGER IF EXISTS session_events_fts_insert;
        DROP TRIGGER IF EXISTS session_events_fts_delete;
        DROP TABLE IF EXISTS session_events_fts;
        DROP VIEW IF EXISTS session_events_search;
        """;

    private static string Body(string row) =>
        $"CASE WHEN {row}type IN ({string.Join(", ", RawSearchedTypes.Select(t => $"'{t}'"))}) " +
        $"THEN {row}summary || ' ' || {row}raw ELSE {row}summary END";

    /// <summary>Most matches a search ranks: the newest ones (as many as one session keeps by default).</summary>
    public const int RankedMatches = 10_000;

    private readonly string connectionString;

    private SqliteEventLogStore(string connectionString) => this.connectionString = connectionString;

    /// <summary>A store on the database <paramref name="connectionString"/> names, its tables made if missing.</summary>
    public static SqliteEventLogStore Create(string connectionString)
    {
        var store = new SqliteEventLogStore(connectionString);
        using var connection = store.Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, Tables);
        // An insert trigger of an earlier version of this schema would index every row twice.
        Execute(connection, transaction, "DROP TRIGGER IF EXISTS session_events_fts_insert");
        using (var view = connection.CreateCommand())
        {
            view.Transaction = transaction;
            view.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'session_events_search'";
            if (view.ExecuteScalar() as string != SearchView)
            {
                // Once per schema change: a new file, or one whose index was made by an earlier version.
                Execute(connection, transaction, DropIndex + SearchView + ";\n" + Index);
                Execute(connection, transaction, "INSERT INTO session_events_fts (session_events_fts) VALUES ('rebuild')");
            }
        }

        transaction.Commit();
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

        // Rows get rowids above the largest (this is the only writer inside the transaction): the batch is above it.
        long before;
        using (var max = connection.CreateCommand())
        {
            max.Transaction = transaction;
            max.CommandText = "SELECT coalesce(max(rowid), 0) FROM session_events";
            before = (long)max.ExecuteScalar()!;
        }

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

        // Indexed before trimming: the delete trigger unindexes what it deletes, the batch's rows included.
        using (var index = connection.CreateCommand())
        {
            index.Transaction = transaction;
            index.CommandText = "INSERT INTO session_events_fts (rowid, body) SELECT rowid, body FROM session_events_search WHERE rowid > $before";
            index.Parameters.AddWithValue("$before", before);
            index.ExecuteNonQuery();
        }

        // Per session once per batch, each statement prepared once.
        using var head = connection.CreateCommand();
        head.Transaction = transaction;
        head.CommandText = """
            INSERT INTO session_event_logs (session_id, agent, last_seq, dropped) VALUES ($session, $agent, $last, $dropped)
            ON CONFLICT (session_id) DO UPDATE SET
                agent = coalesce(excluded.agent, agent),
                last_seq = max(last_seq, excluded.last_seq),
                dropped = dropped + excluded.dropped
            """;
        var headSession = head.Parameters.Add("$session", SqliteType.Text);
        var headAgent = head.Parameters.Add("$agent", SqliteType.Text);
        var headLast = head.Parameters.Add("$last", SqliteType.Integer);
        var headDropped = head.Parameters.Add("$dropped", SqliteType.Integer);
        head.Prepare();
        foreach (var sessionId in last.Keys.Union(dropped.Keys))
        {
            headSession.Value = sessionId;
            headAgent.Value = (object?)agents.GetValueOrDefault(sessionId) ?? DBNull.Value;
            headLast.Value = last.GetValueOrDefault(sessionId);
            headDropped.Value = dropped.GetValueOrDefault(sessionId);
            head.ExecuteNonQuery();
        }

        // Deletes the entries beyond the bound and counts them as dropped; a session within its bound is not touched.
        using var trim = connection.CreateCommand();
        trim.Transaction = transaction;
        trim.CommandText = """
            DELETE FROM session_events WHERE session_id = $session AND seq <= $upTo;
            UPDATE session_event_logs SET dropped = dropped + changes() WHERE session_id = $session;
            """;
        var trimSession = trim.Parameters.Add("$session", SqliteType.Text);
        var trimUpTo = trim.Parameters.Add("$upTo", SqliteType.Integer);
        foreach (var (sessionId, lastSeq) in last)
        {
            if (lastSeq - maxPerSession > 0)
            {
                trimSession.Value = sessionId;
                trimUpTo.Value = lastSeq - maxPerSession;
                trim.ExecuteNonQuery();
            }
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
        // One snapshot: the window and the ranking see the same entries.
        using var transaction = connection.BeginTransaction(deferred: true);
        var join = "JOIN session_events e ON e.rowid = session_events_fts.rowid";
        var where = "session_events_fts MATCH $match";
        var parameters = new List<(string Name, object Value)> { ("$match", Phrase(query.Text)) };
        if (query.Types is { Count: > 0 } types)
        {
            var names = types.Select((t, i) => (Name: $"$t{i}", Type: t)).ToList();
            where += $" AND e.type IN ({string.Join(", ", names.Select(n => n.Name))})";
            parameters.AddRange(names.Select(n => (n.Name, (object)n.Type)));
        }

        if (query.Agent is { } agent)
        {
            join += " JOIN session_event_logs h ON h.session_id = e.session_id";
            where += " AND h.agent = $agent";
            parameters.Add(("$agent", agent));
        }

        // Ranking costs per match (bm25 reads each match's sizes): a word in most entries would be ranked across all
        // of them. Only the newest RankedMatches are ranked; a search with fewer matches ranks them all.
        using (var window = Command(connection, transaction, parameters))
        {
            var filtered = query.Types is { Count: > 0 } || query.Agent is not null;
            window.CommandText = $"""
                SELECT session_events_fts.rowid FROM session_events_fts {(filtered ? join : "")}
                WHERE {where} ORDER BY session_events_fts.rowid DESC LIMIT 1 OFFSET {RankedMatches - 1}
                """;
            if (window.ExecuteScalar() is long floor)
            {
                where += " AND session_events_fts.rowid >= $floor";
                parameters.Add(("$floor", floor));
            }
        }

        using var select = Command(connection, transaction, parameters);
        select.CommandText = $"""
            SELECT e.session_id, e.seq, e.at, e.type, e.summary, snippet(session_events_fts, -1, '[', ']', '…', 16)
            FROM session_events_fts {join}
            WHERE {where}
            ORDER BY bm25(session_events_fts), e.session_id, e.seq
            LIMIT $limit
            """;
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

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<(string Name, object Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>The text as one FTS5 phrase: its words in this order, whatever characters it holds (no query syntax).</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private SqliteConnection Open()
    {
        return SqliteBusyWait.Open(connectionString);
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
