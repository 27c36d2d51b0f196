using System.Security.Cryptography;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A node on SQLite (the default) is its own seed, so it starts; a node on PostgreSQL names it as its seed, and the two
/// share one cluster certificate, so nothing but persistence stands in the way of the join. The SQLite node downs the
/// joiner and says why; the joiner, downed, stops with exit code 1 and says it was downed.
/// </summary>
public sealed class SqliteJoinRefusalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_on_sqlite_downs_a_node_that_joins_it_and_says_why()
    {
        using var temp = new TempDirectory("sessioncluster-sqlite-join");
        await using var postgres = await PostgresServer.StartAsync();
        var certificate = NodeCluster.WriteCertificate(temp.Combine("cluster-cert.pfx"));
        var sqlitePort = FreePort.Next();
        var seed = $"akka.ssl.tcp://{NodeCluster.SystemName}@127.0.0.1:{sqlitePort}";

        var sqliteConfig = temp.Combine("sqlite.hocon");
        await File.WriteAllTextAsync(sqliteConfig, $$"""sessioncluster.cluster.tls.certificate = "{{certificate}}" """);
        await using var sqlite = await NodeProcess.StartAsync(
            temp.CreateDirectory("sqlite", "data"),
            new Dictionary<string, string> { ["HOME"] = temp.CreateDirectory("sqlite", "home") },
            ["--config", sqliteConfig, "--hostname", "127.0.0.1", "--seed", seed],
            sqlitePort);

        var postgresConfig = temp.Combine("postgres.hocon");
        await File.WriteAllTextAsync(postgresConfig, $$"""
            sessioncluster {
              persistence {
                provider = postgres
                postgres.connection-string = "{{postgres.ConnectionString(await postgres.CreateDatabaseAsync())}}"
              }
              cluster.tls.certificate = "{{certificate}}"
            }
            """);
        await using var joiner = await NodeProcess.StartAsync(
            temp.CreateDirectory("postgres", "data"),
            new Dictionary<string, string>
            {
                ["HOME"] = temp.CreateDirectory("postgres", "home"),
                ["SESSIONCLUSTER_SECRETS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            },
            ["--config", postgresConfig, "--hostname", "127.0.0.1", "--seed", seed],
            FreePort.Next(),
            waitUntilReady: false);
        var joinerAddress = NodeCluster.AddressOf(joiner);

        // The joiner is downed once it is a member, and its actor system, then its process, stops.
        var exitCode = await joiner.ExitCodeAsync(Deadline);
        Assert.True(exitCode is not null, $"the joiner still runs {Deadline.TotalSeconds} s on:\n{joiner.Output}\n---- sqlite node:\n{sqlite.Output}");
        Assert.True(exitCode == 1, $"the joiner exited with {exitCode}:\n{joiner.Output}");
        Assert.True(joiner.Output.Contains("this node was downed by the cluster it joined"), joiner.Output);

        var refusal = $"node {joinerAddress} tried to join this node, which keeps its sessions in SQLite (one node only): it was downed; " +
            "a cluster of several nodes needs sessioncluster.persistence.provider = postgres on every node";
        Assert.True(sqlite.Output.Contains(refusal), sqlite.Output);
        await Eventually.HoldsAsync(async () =>
        {
            var cluster = await NodeCluster.ClusterAsync(sqlite);
            var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
            Assert.Equal(seed, member.GetProperty("address").GetString());
            Assert.Equal("up", member.GetProperty("status").GetString());
        }, Deadline);
    }
}
