using Microsoft.Data.Sqlite;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class SqliteJournalFileTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private static string JournalMode(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public void Prepare_creates_the_folder_and_a_wal_mode_database()
    {
        var settings = TestSettings.Create(dataDir: temp.Combine("deep", "data"));

        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);

        Assert.True(File.Exists(temp.Combine("deep", "data", "sessions.db")));
        Assert.Equal("wal", JournalMode($"Data Source={settings.SqliteFile};Pooling=False"));
    }

    [Fact]
    public void Prepare_twice_is_harmless()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);

        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);

        Assert.Equal("wal", JournalMode($"Data Source={settings.SqliteFile};Pooling=False"));
    }
}
