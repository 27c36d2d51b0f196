using SessionCluster.Actors.Serialization;
using SessionCluster.Agents;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// One node's actor system in this test process, built as Program.cs builds it: settings from
/// <see cref="NodeConfig.Load"/> (hocon/*.hocon plus a --config file) and <see cref="AkkaWiring.AddSessionCluster"/>.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost host;
    private int disposed;

    private ClusterNode(IHost host, NodeSettings settings)
    {
        this.host = host;
        Settings = settings;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public NodeSettings Settings { get; }

    /// <summary>The node's services (the actor system, the registry's actors), for an HTTP app in front of it.</summary>
    public IServiceProvider Services => host.Services;

    public ActorSystem System { get; }

    public Cluster Cluster => Cluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    /// <summary>Starts a node on a free port in <paramref name="dataDir"/>; <paramref name="hocon"/> is its --config file.</summary>
    public static async Task<ClusterNode> Start(string dataDir, string hocon)
    {
        Directory.CreateDirectory(dataDir);
        var config = Path.Combine(dataDir, "node.hocon");
        await File.WriteAllTextAsync(config, hocon);
        var settings = NodeConfig.Load(new NodeCommandLine(dataDir, [config], AkkaPort: 0, Urls: null));
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);

        settings = settings with { NodeId = Path.GetFileName(dataDir), EnvCipher = EnvCipher.Ephemeral };
        var sweep = new NodeLostSweep(settings.NodeId, settings.NodeName, (_, _) => false, settings.AskTimeout);
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(AkkaWiring.SystemName, akka =>
                akka.AddSessionCluster(settings, AkkaWiring.Drivers(settings), sweep, SecretRedactor.None, AgentTreeRegistry.None)))
            .Build();
        await host.StartAsync();
        return new ClusterNode(host, settings);
    }

    /// <summary>A reference to <paramref name="path"/> on <paramref name="node"/> made from its address, as any peer can make one.</summary>
    public IActorRef RefOn(Address node, string path) =>
        ((ExtendedActorSystem)System).Provider.ResolveActorRef(new RootActorPath(node) / path.Split('/'));

    /// <summary>Stops the node; once (a test may stop one node before the rest).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(stop.Token);
        host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
