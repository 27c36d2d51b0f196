using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A real node on a real PostgreSQL 15 (as <see cref="PostgresNodeFixture"/>), whose server the test stops and starts
/// again under the running node, and whose database it reads directly to check what the node wrote.
/// </summary>
public sealed class PostgresOutageFixture : NodeFixture
{
    public const string Database = "sessioncluster";

    public PostgresServer Postgres { get; private set; } = null!;

    protected override string ExtraHocon => $$"""
        sessioncluster.persistence {
          provider = postgres
          postgres.connection-string = "{{Postgres.ConnectionString(Database)}}"
        }
        """;

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        await Postgres.CreateDatabaseAsync(Database);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    /// <summary>One query against the node's database, as psql prints it (columns joined by <c>|</c>).</summary>
    public Task<string> QueryAsync(string sql) => Postgres.QueryAsync(Database, sql);
}
