using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A real node whose journal, snapshots, event log, directory and notifier state are in a real PostgreSQL 15.</summary>
public sealed class PostgresNodeFixture : NodeFixture
{
    public PostgresServer Postgres { get; private set; } = null!;

    private string database = "";

    protected override string ExtraHocon => $$"""
        sessioncluster.persistence {
          provider = postgres
          postgres.connection-string = "{{Postgres.ConnectionString(database)}}"
        }
        """;

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        database = await Postgres.CreateDatabaseAsync("sessioncluster");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
