using Microsoft.Data.Sqlite;

namespace SessionCluster.Node.Hosting;

/// <summary>Prepares the SQLite journal file before the actor system opens it.</summary>
public static class SqliteJournalFile
{
    /// <summary>Creates the folder and puts the database in WAL mode (a property of the file, so once is enough).</summary>
    public static void Prepare(string file, string connectionString)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
