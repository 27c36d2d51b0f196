using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Serialization;

namespace SessionCluster.Actors.Tests;

/// <summary>A real SQLite journal and snapshot store in a temp file, configured as the node does.</summary>
public sealed class SqliteJournal : IDisposable
{
    private readonly string directory = System.IO.Directory.CreateTempSubdirectory("sessioncluster-journal-").FullName;

    public string File => Path.Combine(directory, "sessions.db");

    public string ConnectionString => $"Data Source={File};Default Timeout=30;Pooling=False";

    public Config Config(string extra = "") => ConfigurationFactory.ParseString($$"""
        {{extra}}
        akka.loglevel = INFO
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql {
              connection-string = "{{ConnectionString}}"
              provider-name = "SQLite.MS"
              auto-initialize = on
              parallelism = 1
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql {
              connection-string = "{{ConnectionString}}"
              provider-name = "SQLite.MS"
              auto-initialize = on
            }
          }
          query.journal.sql {
            connection-string = "{{ConnectionString}}"
            provider-name = "SQLite.MS"
            refresh-interval = 100ms
          }
        }
        """)
        .WithFallback(SessionEventSerializer.Config)
        .WithFallback(SqlPersistence.DefaultConfiguration);

    /// <summary>Counts rows with plain SQL, to see what really reached the file.</summary>
    public long Count(string table)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing system; the temp dir is cleaned by the OS.
        }
    }
}
