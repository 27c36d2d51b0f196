using Microsoft.Data.Sqlite;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>The journal's files are the node's alone: the database 0600, and SQLite gives -wal and -shm its mode.</summary>
public sealed class SqliteJournalFileModeTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    [Fact]
    public void The_database_and_the_wal_and_shm_files_sqlite_creates_are_0600()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);

        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        // An open connection that writes keeps -wal and -shm in place.
        using var connection = new SqliteConnection(settings.JournalConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (x); INSERT INTO t VALUES (1);";
        command.ExecuteNonQuery();

        foreach (var file in new[] { settings.SqliteFile, settings.SqliteFile + "-wal", settings.SqliteFile + "-shm" })
        {
            Assert.True(File.Exists(file), $"{file} is missing");
            Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_journal_an_older_version_left_readable_is_made_0600()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);
        var readable = OwnerOnly.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(settings.SqliteFile, readable);

        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);

        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(settings.SqliteFile));
    }

    [Fact]
    public void A_missing_journal_folder_is_created_0700()
    {
        var settings = TestSettings.Create(dataDir: temp.Combine("deep", "data"));

        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(temp.Combine("deep", "data")));
    }
}
