using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Node.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Nodes with the node's own wiring in this test process, one cluster on loopback: started one after another, the
/// first the seed of the others, TLS between them with one shared certificate.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private InProcessCluster(IReadOnlyList<ClusterNode> nodes) => Nodes = nodes;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <param name="dir">Where each node gets its data folder (named after it) and the certificate is written.</param>
    /// <param name="settings">Each node's sessioncluster settings besides its name, seed nodes and TLS.</param>
    /// <param name="akka">HOCON after the sessioncluster block (akka.* overrides).</param>
    public static async Task<InProcessCluster> StartAsync(string dir, IEnumerable<string> names, string settings, string akka = "")
    {
        var certificate = Path.Combine(dir, "shared.pfx");
        TestCertificates.WritePfx(certificate, TlsClusterFixture.SharedPassword, "CN=test in-process cluster");
        var nodes = new List<ClusterNode>();
        using var environment = new EnvironmentScope();
        environment.Set("SESSIONCLUSTER_TLS_PASSWORD", null);
        var cluster = new InProcessCluster(nodes);
        try
        {
            foreach (var name in names)
            {
                var seed = nodes.Count == 0 ? null : nodes[0].Address;
                nodes.Add(await ClusterNode.Start(Path.Combine(dir, name), Hocon(name, certificate, seed, settings, akka)));
            }
        }
        catch
        {
            await cluster.DisposeAsync(); // the nodes already started
            throw;
        }

        return cluster;
    }

    /// <summary>Every node sees every node up.</summary>
    public Task AllUpAsync(TimeSpan within) => Eventually.HoldsAsync(
        () => Assert.All(Nodes, n => Assert.Equal(Nodes.Count, n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up))),
        within);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes.Reverse())
        {
            await node.DisposeAsync();
        }
    }

    private static string Hocon(string name, string certificate, Address? seed, string settings, string akka) => $$"""
        sessioncluster {
          node-name = "{{name}}"
          cluster {
            seed-nodes = [{{(seed is null ? string.Empty : $"\"{seed}\"")}}]
            tls {
              certificate = "{{certificate}}"
              password = "{{TlsClusterFixture.SharedPassword}}"
            }
          }
          {{settings}}
        }
        {{akka}}
        """;
}
