using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// One live cluster of three real node processes on one PostgreSQL, shared by the tests of a class that leave it
/// whole (they read it, launch sessions, follow it; none makes a member leave or go down).
/// </summary>
public class ThreeNodeClusterFixture : IAsyncLifetime
{
    private readonly string extraHocon;

    public ThreeNodeClusterFixture()
        : this(string.Empty)
    {
    }

    /// <param name="extraHocon">What every node is configured with on top of the cluster's (a subclass's settings).</param>
    protected ThreeNodeClusterFixture(string extraHocon)
    {
        this.extraHocon = extraHocon;
    }

    public PostgresServer Postgres { get; private set; } = null!;

    public ScriptedModelServer Model { get; private set; } = null!;

    public NodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        Model = await ScriptedModelServer.StartAsync();
        Cluster = await NodeCluster.StartAsync(Postgres, Model, extraHocon);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Model.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
