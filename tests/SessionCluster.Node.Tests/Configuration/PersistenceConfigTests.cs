using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary>sessioncluster.persistence as the node loads it: SQLite by default, PostgreSQL by config or environment.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class PersistenceConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private NodeSettings Load(NodeCommandLine? commandLine = null) =>
        NodeConfig.Load(commandLine ?? new NodeCommandLine(temp.Path, [], null, null));

    [Fact]
    public void Sqlite_is_the_default_and_a_seed_that_is_the_node_itself_is_no_other_node()
    {
        Assert.Equal(PersistenceProvider.Sqlite, Load().Persistence.Provider);

        var self = Load(new NodeCommandLine(temp.Path, [], 4100, null) { Seeds = ["akka.ssl.tcp://sessioncluster@127.0.0.1:4100"] });
        Assert.Equal(PersistenceProvider.Sqlite, self.Persistence.Provider);
        Assert.Equal(["akka.ssl.tcp://sessioncluster@127.0.0.1:4100"], self.SeedNodes);
    }

    /// <summary>What starts the node's SingleNodeGuard, which downs any node that joins it.</summary>
    [Fact]
    public void A_sqlite_node_refuses_other_nodes_unless_told_not_to_and_a_postgres_node_never_does()
    {
        Assert.True(Load().Persistence.RefusesOtherNodes);

        var off = temp.File("off.hocon", "sessioncluster.persistence.sqlite.refuse-other-nodes = off");
        Assert.False(Load(new NodeCommandLine(temp.Path, [off], null, null)).Persistence.RefusesOtherNodes);

        environment.Set("SESSIONCLUSTER_PERSISTENCE_PROVIDER", "postgres");
        environment.Set("SESSIONCLUSTER_POSTGRES_CONNECTION_STRING", "Host=db;Database=sc;Username=sc");
        Assert.False(Load().Persistence.RefusesOtherNodes);
    }

    [Fact]
    public void Postgres_comes_from_the_environment_and_its_password_is_never_printed()
    {
        environment.Set("SESSIONCLUSTER_PERSISTENCE_PROVIDER", "postgres");
        environment.Set("SESSIONCLUSTER_POSTGRES_CONNECTION_STRING", "Host=db;Database=sc;Username=sc;Password=pg-secret-pw");

        var settings = Load(new NodeCommandLine(temp.Path, [], null, null)
        {
            Seeds = ["akka.ssl.tcp://sessioncluster@10.0.0.5:4053"],
            Hostname = "10.0.0.6",
        });

        Assert.Equal(PersistenceProvider.Postgres, settings.Persistence.Provider);
        Assert.Equal("Host=db;Database=sc;Username=sc;Password=pg-secret-pw", settings.Persistence.PostgresConnectionString);
        Assert.Equal("10.0.0.6", settings.AkkaHostname);
        Assert.DoesNotContain("pg-secret-pw", settings.Persistence.ToString());
        Assert.DoesNotContain("pg-secret-pw", settings.ToString());
    }

    [Fact]
    public void An_unknown_provider_is_refused_naming_both()
    {
        environment.Set("SESSIONCLUSTER_PERSISTENCE_PROVIDER", "mysql");
        Assert.Equal(
            "sessioncluster.persistence.provider is \"mysql\"; it must be sqlite or postgres",
            Assert.Throws<FormatException>(() => Load()).Message);
    }
}
