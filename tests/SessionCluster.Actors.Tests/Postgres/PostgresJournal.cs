using Akka.Configuration;
using Akka.Persistence.Sql;
using Npgsql;
using SessionCluster.Actors.Serialization;
using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>
/// A real PostgreSQL journal and snapshot store in a database of its own on the test class's server, configured as the
/// node configures the plugin (Akka.Persistence.Sql, provider PostgreSQL.15, default table mapping, TagTable mode,
/// auto-initialize).
/// </summary>
public sealed class PostgresJournal
{
    private PostgresJournal(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    /// <summary>A new, empty database on <paramref name="server"/>; the plugin creates its tables when the journal first starts.</summary>
    public static async Task<PostgresJournal> CreateAsync(PostgresServer server) =>
        new(server.ConnectionString(await server.CreateDatabaseAsync()));

    public Config Config(string extra = "") => ConfigurationFactory.ParseString($$"""
        {{extra}}
        akka.loglevel = INFO
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql {
              connection-string = "{{ConnectionString}}"
              provider-name = "PostgreSQL.15"
              auto-initialize = on
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql {
              connection-string = "{{ConnectionString}}"
              provider-name = "PostgreSQL.15"
              auto-initialize = on
            }
          }
        }
        """)
        .WithFallback(SessionEventSerializer.Config)
        .WithFallback(SqlPersistence.DefaultConfiguration);

    /// <summary>Runs plain SQL returning one value, to see what really reached the database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The journal's rows of <paramref name="tag"/> (ordering, persistence id), read with plain SQL in ordering order.</summary>
    public async Task<List<(long Ordering, string PersistenceId)>> TaggedAsync(string tag)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT ordering_id, persistence_id FROM tags WHERE tag = $1 ORDER BY ordering_id", connection);
        command.Parameters.AddWithValue(tag);
        var rows = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }
}
