using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>One real PostgreSQL server per test class; each test takes a database of its own with <see cref="PostgresJournal.CreateAsync"/>.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Server.DisposeAsync();
    }
}
