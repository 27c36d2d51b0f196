using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Benchmarks;

/// <summary>What one-row commits cost on this disk: a loop of single-row INSERTs, each its own transaction, WAL mode.</summary>
public static class SqliteBaseline
{
    public sealed record Result(int Commits, double Seconds, string Synchronous)
    {
        public double CommitsPerSecond => Commits / Seconds;
    }

    public static Result Measure(string file, TimeSpan duration)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, "CREATE TABLE journal_like (ordering INTEGER PRIMARY KEY AUTOINCREMENT, persistence_id TEXT NOT NULL, payload BLOB NOT NULL);");
        using var synchronous = connection.CreateCommand();
        synchronous.CommandText = "PRAGMA synchronous;";
        var level = Convert.ToInt64(synchronous.ExecuteScalar(), Report.Invariant) switch
        {
            0 => "OFF",
            1 => "NORMAL",
            2 => "FULL",
            3 => "EXTRA",
            var other => other.ToString(Report.Invariant),
        };

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO journal_like (persistence_id, payload) VALUES ($id, $payload);";
        insert.Parameters.AddWithValue("$id", "session-bench");
        insert.Parameters.AddWithValue("$payload", new byte[300]);
        insert.Prepare();
        for (var i = 0; i < 20; i++)
        {
            insert.ExecuteNonQuery();
        }

        var commits = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            insert.ExecuteNonQuery(); // autocommit: one transaction, one commit per row
            commits++;
        }

        return new Result(commits, clock.Elapsed.TotalSeconds, level);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
