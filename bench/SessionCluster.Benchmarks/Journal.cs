using Microsoft.Data.Sqlite;

namespace SessionCluster.Benchmarks;

/// <summary>Counts rows of the node's journal (Akka.Persistence.Sql's <c>journal</c> table in &lt;data-dir&gt;/sessions.db), read-only.</summary>
public static class Journal
{
    public static long Rows(string file, string? persistenceIdContains = null)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        if (persistenceIdContains is null)
        {
            command.CommandText = "SELECT COUNT(*) FROM journal;";
        }
        else
        {
            command.CommandText = "SELECT COUNT(*) FROM journal WHERE instr(persistence_id, $id) > 0;";
            command.Parameters.AddWithValue("$id", persistenceIdContains);
        }

        return Convert.ToInt64(command.ExecuteScalar(), Report.Invariant);
    }

    /// <summary>A few persistence ids, to show what the rows belong to.</summary>
    public static IReadOnlyList<(string PersistenceId, long Rows)> ByPersistenceId(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, COUNT(*) FROM journal GROUP BY persistence_id ORDER BY persistence_id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }
}

public static class JournalManifests
{
    /// <summary>The manifests (event kinds: SL launched, APS process started, TC turn completed, ...) of one session's rows, in order.</summary>
    public static string Of(string file, string sessionId)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE instr(persistence_id, $id) > 0 ORDER BY ordering;";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        var manifests = new List<string>();
        while (reader.Read())
        {
            manifests.Add(reader.IsDBNull(0) ? "?" : reader.GetString(0));
        }

        return string.Join(" ", manifests);
    }
}
