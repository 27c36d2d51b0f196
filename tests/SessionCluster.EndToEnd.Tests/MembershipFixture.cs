using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A PostgreSQL server and a model server for tests that each start a three-node cluster of their own, because they
/// destroy it (members leave, are killed or downed). The split brain resolver waits 300 s before it downs anyone, so
/// a killed node stays unreachable until the test downs it with sessionctl.
/// </summary>
public sealed class MembershipFixture : IAsyncLifetime
{
    public const string ManualDowning = "akka.cluster.split-brain-resolver.stable-after = 300s";

    public PostgresServer Postgres { get; private set; } = null!;

    public ScriptedModelServer Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        Model = await ScriptedModelServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Model.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    public Task<NodeCluster> StartClusterAsync() => NodeCluster.StartAsync(Postgres, Model, ManualDowning);
}
