using Microsoft.Data.Sqlite;

namespace SessionCluster.Actors.Tests.UnreadableEvents;

/// <summary>
/// Writes a journal row this version cannot read, as a newer node would: an existing row of the session copied with
/// the next sequence number and a manifest no serializer here knows (and its tag, which the tag query reads).
/// </summary>
public static class UnreadableJournalRow
{
    public const string Manifest = "ZZZ";

    public static void Insert(SqliteJournal journal, string persistenceId, long copyOf, long sequenceNr)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        Assert.Equal(1, Execute(connection, """
            INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid)
            SELECT deleted, persistence_id, $seq, created, tags, message, identifier, $manifest, writer_uuid
            FROM journal WHERE persistence_id = $pid AND sequence_number = $copyOf
            """, persistenceId, copyOf, sequenceNr));
        // Akka.Persistence.Sql's default tag-write-mode is TagTable: the query by tag joins this table.
        Assert.Equal(1, Execute(connection, """
            INSERT INTO tags (ordering_id, tag, persistence_id, sequence_nr)
            SELECT (SELECT ordering FROM journal WHERE persistence_id = $pid AND sequence_number = $seq), tag, persistence_id, $seq
            FROM tags WHERE persistence_id = $pid AND sequence_nr = $copyOf
            """, persistenceId, copyOf, sequenceNr));
        transaction.Commit();
    }

    private static int Execute(SqliteConnection connection, string sql, string persistenceId, long copyOf, long sequenceNr)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$copyOf", copyOf);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        command.Parameters.AddWithValue("$manifest", Manifest);
        return command.ExecuteNonQuery();
    }
}
