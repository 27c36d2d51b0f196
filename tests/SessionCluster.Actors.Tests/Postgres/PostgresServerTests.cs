using Npgsql;
using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>The tests' own PostgreSQL server: a real PostgreSQL 15 on a free loopback port, a database per test, and a stop that loses no committed row.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_test_starts_its_own_postgres_15_with_a_database_of_its_own_that_survives_an_immediate_stop()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString(database)))
        {
            await connection.OpenAsync();
            await using var version = new NpgsqlCommand("SHOW server_version_num; ", connection);
            Assert.StartsWith("15", (string)(await version.ExecuteScalarAsync())!);
            await using var create = new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (42);", connection);
            await create.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await server.StopAsync();
        await server.StartAgainAsync();

        await using var again = new NpgsqlConnection(server.ConnectionString(database));
        await again.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT x FROM t", again);
        Assert.Equal(42, (int)(await read.ExecuteScalarAsync())!);
    }
}
