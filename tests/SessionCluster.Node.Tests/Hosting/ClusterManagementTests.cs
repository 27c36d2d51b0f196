using System.Net;
using System.Net.Http.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// The cluster routes in front of a real three-node cluster on loopback (the node's wiring, TLS between the nodes):
/// members, leader, region stats per node, and a member stopped abruptly that shows unreachable and is removed once
/// downed. The split brain resolver waits far longer than the test, so the removal is the down's doing.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ClusterManagementTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly TempDir temp = new();
    private InProcessCluster? running;
    private WebApplication app = null!;
    private HttpClient http = null!;

    private IReadOnlyList<ClusterNode> nodes = [];

    private ClusterNode A => nodes[0];

    public async Task InitializeAsync()
    {
        running = await InProcessCluster.StartAsync(temp.Path, ["node-a", "node-b", "node-c"],
            // Membership is what these nodes test; each keeps its own SQLite journal.
            "persistence.sqlite.refuse-other-nodes = off",
            // A node stopped by the test vanishes: no leave on the way out.
            """
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            akka.cluster.split-brain-resolver.stable-after = 300s
            """);
        nodes = running.Nodes;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(A.System);
        builder.Services.AddSingleton(A.Settings);
        builder.Services.AddSingleton(A.Services.GetRequiredService<IRequiredActor<SessionRegion>>());
        builder.Services.AddSingleton(sp => new SessionGateway(
            A.Services.GetRequiredService<IRequiredActor<SessionRegion>>(),
            A.Services.GetRequiredService<IRequiredActor<SessionDirectory>>(),
            A.Settings,
            ["claude"]));
        app = builder.Build();
        app.MapClusterEndpoints();
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Wait };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        if (running is not null)
        {
            await running.DisposeAsync();
        }

        temp.Dispose();
    }

    private async Task<ClusterDto> Cluster() => (await http.GetFromJsonAsync<ClusterDto>(Api.Cluster, Api.Json))!;

    private string[] Addresses(params ClusterNode[] of) => [.. of.Select(n => n.Address).Order(Member.AddressOrdering).Select(a => a.ToString())];

    private static Task Eventually(Func<Task> assertion) => Testing.Eventually.HoldsAsync(assertion, Wait);

    [Fact]
    public async Task Three_nodes_show_up_with_one_leader_and_a_vanished_node_is_unreachable_until_downed_then_removed()
    {
        await Eventually(async () =>
        {
            var cluster = await Cluster();
            Assert.Equal(A.Address.ToString(), cluster.Self);
            Assert.Equal(Addresses([.. nodes]), cluster.Members.Select(m => m.Address));
            Assert.All(cluster.Members, m => Assert.Equal(("up", true), (m.Status, m.Reachable)));
            Assert.Contains(cluster.Leader, cluster.Members.Select(m => m.Address));
            // Each member's node id, from the role it joined with.
            Assert.Equal(
                nodes.OrderBy(n => n.Address, Member.AddressOrdering).Select(n => n.Settings.NodeId),
                cluster.Members.Select(m => m.NodeId));
        });

        // Sessions spread over the nodes: the region stats name each node that hosts a shard.
        var region = ClusterSharding.Get(A.System).ShardRegion(SessionRegion.TypeName);
        var kit = new TestKit(A.System);
        await Eventually(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                region.Tell(new ShardRegion.StartEntity($"spread-{Guid.NewGuid():N}"), kit.TestActor);
            }

            kit.ReceiveN(30, Wait);
            var stats = (await http.GetFromJsonAsync<RegionStatsDto>($"{Api.ShardRegionStats}?region=sessions", Api.Json))!;
            Assert.Equal("session", stats.Region);
            Assert.Equal(Addresses([.. nodes]), stats.Nodes.Select(n => n.Address));
            Assert.All(stats.Nodes, n => Assert.NotEmpty(n.Shards));
        });

        var c = nodes[2];
        await c.System.Terminate();

        await Eventually(async () =>
        {
            var cluster = await Cluster();
            var gone = Assert.Single(cluster.Members, m => !m.Reachable);
            Assert.Equal(c.Address.ToString(), gone.Address);
            Assert.Equal("up", gone.Status);
        });

        var downed = await http.PostAsync(Api.ClusterDownUnreachable, null);
        Assert.Equal(HttpStatusCode.Accepted, downed.StatusCode);
        Assert.Equal([c.Address.ToString()], (await downed.Content.ReadFromJsonAsync<ClusterActionDto>(Api.Json))!.Addresses);

        await Eventually(async () =>
        {
            var cluster = await Cluster();
            Assert.Equal(Addresses(A, nodes[1]), cluster.Members.Select(m => m.Address));
            Assert.All(cluster.Members, m => Assert.True(m.Reachable));
        });
        var nothingLeft = await http.PostAsync(Api.ClusterDownUnreachable, null);
        Assert.Empty((await nothingLeft.Content.ReadFromJsonAsync<ClusterActionDto>(Api.Json))!.Addresses);

        // The removed node is no member any more: down names it as unknown, and lists the members there are.
        var again = await http.PostAsJsonAsync(Api.ClusterDown, new ClusterAddressRequest { Address = c.Address.ToString() }, Api.Json);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains($"the members are: {string.Join(", ", Addresses(A, nodes[1]))}", await again.Content.ReadAsStringAsync());
    }
}
