using System.Net.Http.Headers;
using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// sessioncluster.discovery = kubernetes in a real node process: Akka.Management cluster bootstrap lists the pods through
/// a fake Kubernetes API (HTTPS on loopback, its CA from api-ca-file, the service account token from
/// api-token-file), probes the one pod (itself) on its management port, and forms a cluster of itself; the node does
/// not join itself without bootstrap (AkkaWiring skips that when discovery is on), so Up here is bootstrap's doing.
/// </summary>
public sealed class KubernetesDiscoveryTests : IAsyncLifetime
{
    private const string Namespace = "sessioncluster-test";
    private const string Selector = "app=sessioncluster,tier=nodes";

    private readonly TempDirectory temp = new("sessioncluster-k8s");
    private PostgresServer postgres = null!;

    public async Task InitializeAsync() => postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        await postgres.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task A_node_bootstraps_a_cluster_of_itself_from_the_pods_the_kubernetes_api_lists()
    {
        var token = $"service-account-token-{Guid.NewGuid():N}";
        var tokenFile = temp.Combine("token");
        File.WriteAllText(tokenFile, token + "\n");
        var managementPort = FreePort.Next();
        await using var api = await FakeKubernetesApi.StartAsync(
            token, Namespace, Selector, [new FakePod("sessioncluster-0", "127.0.0.1", [("remoting", 4053), ("management", managementPort)])]);
        var caFile = api.WriteCa(temp.Combine("ca.crt"));
        var environment = api.NodeEnvironment();
        environment["HOME"] = temp.CreateDirectory("home");

        var database = await postgres.CreateDatabaseAsync("sessioncluster");
        var config = temp.Combine("k8s.hocon");
        File.WriteAllText(config, $$"""
            sessioncluster.persistence {
              provider = postgres
              postgres.connection-string = "{{postgres.ConnectionString(database)}}"
            }
            sessioncluster.discovery {
              method = kubernetes
              kubernetes {
                pod-label-selector = "{{Selector}}"
                namespace = {{Namespace}}
                api-token-file = "{{tokenFile}}"
                api-ca-file = "{{caFile}}"
                management-port = {{managementPort}}
                required-contact-points = 1
              }
            }
            # Test only: bootstrap's defaults wait 5 s for a stable set of contact points and probe every 5 s.
            akka.management.cluster.bootstrap {
              contact-point-discovery { stable-margin = 1s, interval = 500ms }
              contact-point.probe-interval = 500ms
            }
            """);

        // Ready only once the node is an Up member (HealthEndpoints), which only bootstrap can make it here.
        await using var node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        using var cluster = JsonDocument.Parse(await http.GetStringAsync($"{node.Url}/api/cluster"));
        var root = cluster.RootElement;
        var self = root.GetProperty("self").GetString();
        Assert.False(string.IsNullOrEmpty(self), root.ToString());
        Assert.Equal(self, root.GetProperty("leader").GetString());
        var member = Assert.Single(root.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("address").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString(), ignoreCase: true);
        Assert.StartsWith("akka.ssl.tcp://sessioncluster@127.0.0.1:", self);

        var received = api.Received;
        var listings = received.Where(r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{Namespace}/pods").ToList();
        Assert.True(listings.Count > 0, $"the fake API was never asked for the pods; it got: {string.Join(", ", received)}\n{node.Output}");
        Assert.All(listings, r => Assert.Equal(Selector, r.LabelSelector));
        // Every request carried the token from api-token-file.
        Assert.All(received, r => Assert.Equal($"Bearer {token}", r.Authorization));
        // Bootstrap's own decision, after probing this pod's management port: the lowest (only) contact point forms the cluster.
        Assert.Contains("Initiating new cluster, self-joining", node.Output);
    }
}
