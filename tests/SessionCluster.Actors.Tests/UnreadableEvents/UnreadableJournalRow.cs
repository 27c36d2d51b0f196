using Microsoft.Data.Sqlite;

namespace SessionCluster.Actors.Tests.UnreadableEvents;

/// <summary>
/// Writes a journal row this version cannot read, as a newer node would: an existing row of the session copied
/// (whatever columns the journal has) with the next sequence number and a manifest no serializer here knows, and its
/// tag row, which the tag query reads.
/// </summary>
public static class UnreadableJournalRow
{
    public const string Manifest = "ZZZ";

    public static void Insert(SqliteJournal journal, string persistenceId, long copyOf, long sequenceNr)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        Assert.Equal(1, Copy(connection, "journal", "persistence_id = $pid AND sequence_number = $copyOf", new()
        {
            ["ordering"] = null, // a new one
            ["sequence_number"] = "$seq",
            ["manifest"] = "$manifest",
        }, persistenceId, copyOf, sequenceNr));
        // Akka.Persistence.Sql's default tag-write-mode is TagTable: the query by tag joins this table.
        Assert.Equal(1, Copy(connection, "tags", "persistence_id = $pid AND sequence_nr = $copyOf", new()
        {
            ["ordering_id"] = "(SELECT ordering FROM journal WHERE persistence_id = $pid AND sequence_number = $seq)",
            ["sequence_nr"] = "$seq",
        }, persistenceId, copyOf, sequenceNr));
        transaction.Commit();
    }

    /// <summary>Copies the row <paramref name="where"/> selects; <paramref name="replace"/> gives columns another value (null: leave out).</summary>
    private static int Copy(
        SqliteConnection connection, string table, string where, Dictionary<string, string?> replace, string persistenceId, long copyOf, long sequenceNr)
    {
        var columns = new List<string>();
        using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        Assert.All(replace.Keys, column => Assert.Contains(column, columns));
        var written = columns.Where(c => !replace.TryGetValue(c, out var value) || value is not null).ToList();
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", written)}) " +
                              $"SELECT {string.Join(", ", written.Select(c => replace.GetValueOrDefault(c) ?? c))} FROM {table} WHERE {where}";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$copyOf", copyOf);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        command.Parameters.AddWithValue("$manifest", Manifest);
        return command.ExecuteNonQuery();
    }
}
