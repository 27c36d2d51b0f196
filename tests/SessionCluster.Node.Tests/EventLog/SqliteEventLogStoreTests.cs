using Microsoft.Data.Sqlite;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using SessionCluster.Node.EventLog;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>The event log store and its writer against a real SQLite file in WAL mode, as the node prepares it.</summary>
public sealed class SqliteEventLogStoreTests : EventLogStoreContract, IDisposable
{
    private readonly TempDir temp = new();
    private readonly string connectionString;

    public SqliteEventLogStoreTests()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        connectionString = settings.JournalConnectionString;
    }

    protected override int RankedMatches => SqliteEventLogStore.RankedMatches;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    protected override IEventLogStore CreateStore() => SqliteEventLogStore.Create(connectionString);

    protected override void Execute(string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_file_with_the_earlier_index_of_all_raw_json_is_indexed_again_on_open_and_stays_searchable()
    {
        // The schema before the search view: summary and raw of every entry indexed, rows written through its triggers.
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE session_events (session_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, type TEXT NOT NULL,
                    summary TEXT NOT NULL, raw TEXT NOT NULL, truncated INTEGER NOT NULL, PRIMARY KEY (session_id, seq));
                CREATE INDEX session_events_by_type ON session_events (session_id, type, seq);
                CREATE TABLE session_event_logs (session_id TEXT NOT NULL PRIMARY KEY, agent TEXT, last_seq INTEGER NOT NULL, dropped INTEGER NOT NULL);
                CREATE VIRTUAL TABLE session_events_fts USING fts5(summary, raw, content = 'session_events', content_rowid = 'rowid');
                CREATE TRIGGER session_events_fts_insert AFTER INSERT ON session_events BEGIN
                    INSERT INTO session_events_fts (rowid, summary, raw) VALUES (new.rowid, new.summary, new.raw);
                END;
                CREATE TRIGGER session_events_fts_delete AFTER DELETE ON session_events BEGIN
                    INSERT INTO session_events_fts (session_events_fts, rowid, summary, raw) VALUES ('delete', old.rowid, old.summary, old.raw);
                END;
                INSERT INTO session_event_logs VALUES ('old', 'claude', 3, 0), ('other', 'codex', 1, 0);
                INSERT INTO session_events VALUES
                    ('old', 1, 0, 'text', 'I will run the migration', '{"text":"I will run the migration now, then the seeds"}', 0),
                    ('old', 2, 0, 'tool_use', 'Bash: rm -rf build', '{"input":{"command":"rm -rf build"}}', 0),
                    ('old', 3, 0, 'tool_result', 'ok', '{"content":"removed Program.cs"}', 0),
                    ('other', 1, 0, 'text', 'the migration is done', '{"text":"the migration is done"}', 0);
                """;
            command.ExecuteNonQuery();
        }

        var store = SqliteEventLogStore.Create(connectionString);

        Assert.Equal([("old", 1L), ("other", 1L)], store.Search(new EventSearchQuery("migration", null, null, 10)).Select(h => (h.SessionId, h.Seq)).Order());
        Assert.Equal(("old", 1L), store.Search(new EventSearchQuery("then the seeds", null, null, 10)).Select(h => (h.SessionId, h.Seq)).Single());
        Assert.Equal(2L, store.Search(new EventSearchQuery("rm -rf", null, null, 10)).Single().Seq);
        Assert.Empty(store.Search(new EventSearchQuery("Program.cs", null, null, 10))); // a tool result's raw JSON
        AssertIndexIntact();

        // Opened again: the index is kept, not made again; entries written since are found.
        store = SqliteEventLogStore.Create(connectionString);
        store.Append([new("old", 4, T0, Entry(EventLogTypes.FileChange, "completed: src/Program.cs"))], new Dictionary<string, long>(), 100);
        Assert.Equal(4L, store.Search(new EventSearchQuery("Program.cs", null, null, 10)).Single().Seq);
        Assert.Equal(2, store.Search(new EventSearchQuery("migration", null, null, 10)).Count);
        AssertIndexIntact();
    }

    /// <summary>FTS5's own check: the index holds exactly what the search view computes for the rows there are.</summary>
    protected override void AssertIndexIntact()
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO session_events_fts (session_events_fts, rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
    }
}
