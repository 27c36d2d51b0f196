using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Newtonsoft.Json;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// The one route cluster bootstrap needs from the other pods, GET /bootstrap/seed-nodes, served by Kestrel on the
/// management port, and bootstrap started against it. Akka.Management's own HTTP server (Akka.Http.Shim 1.5.73) cannot
/// start here: it was built against Ceen.Httpd 0.9.9, only 0.9.10 can be restored, and 0.9.10 changed
/// HttpServer.ListenAsync, so binding fails with MissingMethodException and bootstrap terminates the actor system.
/// The answer is the one Akka.Management gives (HttpClusterBootstrapRoutes, its JSON types).
/// </summary>
internal sealed class BootstrapEndpoint
{
    private readonly WebApplication app;

    private BootstrapEndpoint(WebApplication app) => this.app = app;

    public static async Task<BootstrapEndpoint> StartAsync(ActorSystem system, string hostname, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            if (IPAddress.TryParse(hostname, out var ip))
            {
                kestrel.Listen(ip, port);
            }
            else
            {
                kestrel.ListenAnyIP(port);
            }
        });
        var app = builder.Build();
        var maxSeedNodes = system.Settings.Config.GetInt("akka.management.cluster.bootstrap.contact-point.max-seed-nodes-to-expose", 5);
        app.MapGet("/bootstrap/seed-nodes", () => Results.Content(SeedNodesJson(Cluster.Get(system), maxSeedNodes), "application/json"));
        await app.StartAsync();
        return new BootstrapEndpoint(app);
    }

    /// <summary>Starts the endpoint, tells bootstrap where it is (its self contact point), and starts bootstrap.</summary>
    public static async Task<BootstrapEndpoint> StartBootstrapAsync(ActorSystem system, string hostname, int port)
    {
        var endpoint = await StartAsync(system, hostname, port);
        var bootstrap = ClusterBootstrap.Get(system);
        // Routes() is how Akka.Management hands bootstrap its own base URI; the routes it returns are Ceen's, unused.
        _ = bootstrap.Routes(ManagementRouteProviderSettings.Create(new Uri($"http://{hostname}:{port}/"), readOnly: true));
        await bootstrap.Start();
        return endpoint;
    }

    public Task StopAsync() => app.StopAsync(TimeSpan.FromSeconds(5));

    /// <summary>As HttpClusterBootstrapRoutes: no seed nodes while this node leaves, else its reachable Up/WeaklyUp/Joining members.</summary>
    private static string SeedNodesJson(Cluster cluster, int max)
    {
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
        {
            return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(
                self.UniqueAddress.Address, ImmutableList<HttpBootstrapJsonProtocol.ClusterMember>.Empty));
        }

        var state = cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m))
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(max)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.UniqueAddress.Address, members));
    }
}
