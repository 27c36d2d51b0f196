using Microsoft.Data.Sqlite;
using SessionCluster.Domain;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// The directory's projection in two tables of the journal's own SQLite file: <c>session_directory</c> (one row per
/// session: its <see cref="SessionState"/> through the node's serializer, as a snapshot is written) and
/// <c>session_directory_offset</c> (the journal offset those rows are complete to, and the projection's version).
/// </summary>
public sealed class SqliteDirectoryProjectionStore : IDirectoryProjectionStore
{
    /// <summary>
    /// Bumped when what <see cref="Session.Apply"/> makes of the same events changes, so a projection folded by older
    /// rules is rebuilt instead of trusted.
    /// </summary>
    public const int Version = 1;

    private readonly string connectionString;
    private readonly AkkaSerialization serialization;

    public SqliteDirectoryProjectionStore(string connectionString, AkkaSerialization serialization)
    {
        this.connectionString = connectionString;
        this.serialization = serialization;
        using var connection = Open();
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS session_directory (
              session_id    TEXT    NOT NULL PRIMARY KEY,
              serializer_id INTEGER NOT NULL,
              manifest      TEXT    NOT NULL,
              state         BLOB    NOT NULL);
            CREATE TABLE IF NOT EXISTS session_directory_offset (
              id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
              version        INTEGER NOT NULL,
              journal_offset INTEGER NOT NULL);
            """);
    }

    public DirectoryProjection? Load()
    {
        using var connection = Open();

        // Statistics for the planner: without them SQLite answers the journal's events-by-tag page through the
        // one-valued index on tags.tag, reading every tag row per page (and per idle poll) instead of the offset range.
        using (var tags = connection.CreateCommand())
        {
            tags.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tags';";
            if ((long)tags.ExecuteScalar()! > 0)
            {
                Execute(connection, "ANALYZE tags;");
            }
        }

        using var offsetQuery = connection.CreateCommand();
        offsetQuery.CommandText = "SELECT version, journal_offset FROM session_directory_offset WHERE id = 1;";
        long offset;
        using (var reader = offsetQuery.ExecuteReader())
        {
            if (!reader.Read() || reader.GetInt32(0) != Version)
            {
                return null;
            }

            offset = reader.GetInt64(1);
        }

        using var statesQuery = connection.CreateCommand();
        statesQuery.CommandText = "SELECT session_id, serializer_id, manifest, state FROM session_directory;";
        var sessions = new List<SessionState>();
        using (var reader = statesQuery.ExecuteReader())
        {
            while (reader.Read())
            {
                if (Read(reader) is not { } state || state.Id != reader.GetString(0))
                {
                    return null;
                }

                sessions.Add(state);
            }
        }

        using var end = connection.CreateCommand();
        end.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal;";
        return new DirectoryProjection(sessions, offset, (long)end.ExecuteScalar()!);
    }

    public void Save(IReadOnlyCollection<SessionState> changed, long offset, IReadOnlyCollection<string>? removed = null)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM session_directory WHERE session_id = $id;";
        var deleted = delete.Parameters.Add("$id", SqliteType.Text);
        foreach (var sessionId in removed ?? [])
        {
            deleted.Value = sessionId;
            delete.ExecuteNonQuery();
        }

        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO session_directory (session_id, serializer_id, manifest, state) VALUES ($id, $serializer, $manifest, $state)
            ON CONFLICT (session_id) DO UPDATE SET serializer_id = excluded.serializer_id, manifest = excluded.manifest, state = excluded.state;
            """;
        var id = upsert.Parameters.Add("$id", SqliteType.Text);
        var serializerId = upsert.Parameters.Add("$serializer", SqliteType.Integer);
        var manifest = upsert.Parameters.Add("$manifest", SqliteType.Text);
        var bytes = upsert.Parameters.Add("$state", SqliteType.Blob);
        foreach (var state in changed)
        {
            var serializer = serialization.FindSerializerFor(state);
            id.Value = state.Id;
            serializerId.Value = serializer.Identifier;
            manifest.Value = AkkaSerialization.ManifestFor(serializer, state);
            bytes.Value = serializer.ToBinary(state);
            upsert.ExecuteNonQuery();
        }

        using var position = connection.CreateCommand();
        position.Transaction = transaction;
        position.CommandText = """
            INSERT INTO session_directory_offset (id, version, journal_offset) VALUES (1, $version, $offset)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, journal_offset = excluded.journal_offset;
            """;
        position.Parameters.AddWithValue("$version", Version);
        position.Parameters.AddWithValue("$offset", offset);
        position.ExecuteNonQuery();
        transaction.Commit();
    }

    public void Clear()
    {
        using var connection = Open();
        Execute(connection, "DELETE FROM session_directory_offset; DELETE FROM session_directory;");
    }

    private SessionState? Read(SqliteDataReader reader)
    {
        try
        {
            return serialization.Deserialize((byte[])reader[3], reader.GetInt32(1), reader.GetString(2)) as SessionState;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any row that does not read back (bytes, serializer, manifest) makes the whole projection untrusted.
            return null;
        }
    }

    private SqliteConnection Open()
    {
        return SqliteBusyWait.Open(connectionString);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
