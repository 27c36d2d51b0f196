using Microsoft.Data.Sqlite;

namespace SessionCluster.Node.Hosting;

/// <summary>Prepares the SQLite journal file before the actor system opens it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class SqliteJournalFile
{
    /// <summary>
    /// Creates the folder (0700) and the database (0600), and puts it in WAL mode (a property of the file, so once is
    /// enough). SQLite gives the -wal and -shm files it creates the database file's mode, so they are 0600 too.
    /// </summary>
    public static void Prepare(string file, string connectionString)
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(file)!);
        if (!File.Exists(file))
        {
            // SQLite would create it with the process's umask (0644 usually).
            OwnerOnly.CreateFile(file, string.Empty);
        }

        // A journal an older version created with the umask's mode.
        foreach (var path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            OwnerOnly.Tighten(path);
        }

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
