using Npgsql;
using NpgsqlTypes;
using SessionCluster.Domain;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// The directory's projection in two tables of the PostgreSQL journal's database, as
/// <see cref="SqliteDirectoryProjectionStore"/> keeps it in the SQLite file: <c>session_directory</c> (one row per
/// session: its <see cref="SessionState"/> through the node's serializer, as a snapshot is written) and
/// <c>session_directory_offset</c> (the journal offset those rows are complete to, and the projection's version). Both
/// are keyed by <c>projection</c> as well: every node keeps a directory of its own, and several nodes share the
/// database, so each must read back only what it saved (one node's rows beside another's offset would fold events twice).
/// </summary>
public sealed class PostgresDirectoryProjectionStore : IDirectoryProjectionStore
{
    /// <summary>Bumped when what <see cref="Session.Apply"/> makes of the same events changes (as <see cref="SqliteDirectoryProjectionStore.Version"/>).</summary>
    public const int Version = SqliteDirectoryProjectionStore.Version;

    private readonly string connectionString;
    private readonly AkkaSerialization serialization;
    private readonly string projection;

    /// <param name="projection">Whose projection this is: the node's stable id when several nodes share the database.</param>
    public PostgresDirectoryProjectionStore(string connectionString, AkkaSerialization serialization, string projection = "")
    {
        this.connectionString = connectionString;
        this.serialization = serialization;
        this.projection = projection;
        using var connection = Open();
        PostgresSchema.Create(connection, """
            CREATE TABLE IF NOT EXISTS session_directory (
              projection    TEXT    NOT NULL,
              session_id    TEXT    NOT NULL,
              serializer_id INTEGER NOT NULL,
              manifest      TEXT    NOT NULL,
              state         BYTEA   NOT NULL,
              PRIMARY KEY (projection, session_id));
            CREATE TABLE IF NOT EXISTS session_directory_offset (
              projection     TEXT    NOT NULL PRIMARY KEY,
              version        INTEGER NOT NULL,
              journal_offset BIGINT  NOT NULL);
            """);
    }

    public DirectoryProjection? Load()
    {
        using var connection = Open();
        long offset;
        using (var offsetQuery = new NpgsqlCommand("SELECT version, journal_offset FROM session_directory_offset WHERE projection = @projection;", connection))
        {
            offsetQuery.Parameters.AddWithValue("projection", projection);
            using var reader = offsetQuery.ExecuteReader();
            if (!reader.Read() || reader.GetInt32(0) != Version)
            {
                return null;
            }

            offset = reader.GetInt64(1);
        }

        var sessions = new List<SessionState>();
        using (var statesQuery = new NpgsqlCommand("SELECT session_id, serializer_id, manifest, state FROM session_directory WHERE projection = @projection;", connection))
        {
            statesQuery.Parameters.AddWithValue("projection", projection);
            using var reader = statesQuery.ExecuteReader();
            while (reader.Read())
            {
                if (Read(reader) is not { } state || state.Id != reader.GetString(0))
                {
                    return null;
                }

                sessions.Add(state);
            }
        }

        // The last ordering visible now; a write still in flight below it is above the offset, which the follower only
        // moves past final rows, so the directory reads it live.
        using var end = new NpgsqlCommand("SELECT to_regclass('journal') IS NOT NULL;", connection);
        long journalEnd = 0;
        if ((bool)end.ExecuteScalar()!)
        {
            using var last = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM journal;", connection);
            journalEnd = (long)last.ExecuteScalar()!;
        }

        return new DirectoryProjection(sessions, offset, journalEnd);
    }

    public void Save(IReadOnlyCollection<SessionState> changed, long offset, IReadOnlyCollection<string>? removed = null)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (removed is { Count: > 0 })
        {
            using var delete = new NpgsqlCommand("DELETE FROM session_directory WHERE projection = @projection AND session_id = ANY(@ids);", connection, transaction);
            delete.Parameters.AddWithValue("projection", projection);
            delete.Parameters.AddWithValue("ids", removed.ToArray());
            delete.ExecuteNonQuery();
        }

        using var upsert = new NpgsqlCommand("""
            INSERT INTO session_directory (projection, session_id, serializer_id, manifest, state) VALUES (@projection, @id, @serializer, @manifest, @state)
            ON CONFLICT (projection, session_id) DO UPDATE SET serializer_id = excluded.serializer_id, manifest = excluded.manifest, state = excluded.state;
            """, connection, transaction);
        upsert.Parameters.AddWithValue("projection", projection);
        var id = upsert.Parameters.Add("id", NpgsqlDbType.Text);
        var serializerId = upsert.Parameters.Add("serializer", NpgsqlDbType.Integer);
        var manifest = upsert.Parameters.Add("manifest", NpgsqlDbType.Text);
        var bytes = upsert.Parameters.Add("state", NpgsqlDbType.Bytea);
        foreach (var state in changed)
        {
            var serializer = serialization.FindSerializerFor(state);
            id.Value = state.Id;
            serializerId.Value = serializer.Identifier;
            manifest.Value = AkkaSerialization.ManifestFor(serializer, state);
            bytes.Value = serializer.ToBinary(state);
            upsert.ExecuteNonQuery();
        }

        using var position = new NpgsqlCommand("""
            INSERT INTO session_directory_offset (projection, version, journal_offset) VALUES (@projection, @version, @offset)
            ON CONFLICT (projection) DO UPDATE SET version = excluded.version, journal_offset = excluded.journal_offset;
            """, connection, transaction);
        position.Parameters.AddWithValue("projection", projection);
        position.Parameters.AddWithValue("version", Version);
        position.Parameters.AddWithValue("offset", offset);
        position.ExecuteNonQuery();
        transaction.Commit();
    }

    public void Clear()
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var clear = new NpgsqlCommand(
            "DELETE FROM session_directory_offset WHERE projection = @projection; DELETE FROM session_directory WHERE projection = @projection;",
            connection, transaction);
        clear.Parameters.AddWithValue("projection", projection);
        clear.ExecuteNonQuery();
        transaction.Commit();
    }

    private SessionState? Read(NpgsqlDataReader reader)
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

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }
}
