using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Actors;

/// <summary>
/// The journal, the event log and the node's stores share one SQLite file, and SQLite lets one writer in at a time.
/// Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms and trying again: a journal write that met the
/// event log's batch waited 150 ms (the notification of a turn's end arrived 150 ms late, docs/BENCHMARKS.md section
/// 11). SQLite's own busy handler, turned on per connection with <c>busy_timeout</c>, waits in steps of a few
/// milliseconds instead, so a writer goes in as soon as the other is done.
/// </summary>
public static class SqliteBusyWait
{
    /// <summary>As long as the connection strings' Default Timeout (30 s): after it the write fails as before.</summary>
    public const int Milliseconds = 30_000;

    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {Milliseconds};";
        command.ExecuteNonQuery();
    }

    /// <summary>An open connection that waits for the lock in SQLite itself.</summary>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Apply(connection);
        return connection;
    }
}
