using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Three nodes with the node's own wiring: A and B share one configured certificate and form a cluster (B
/// joins A); C, with a certificate of its own, forms a cluster of its own and is left to send to A. Each node
/// runs an <see cref="EchoActor"/> at /user/echo; A also runs /user/inbox, which hands all it gets to KitA.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public const string SharedPassword = "shared cluster pass";

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly TempDir temp = new();

    internal ClusterNode A { get; private set; } = null!;

    internal ClusterNode B { get; private set; } = null!;

    internal ClusterNode C { get; private set; } = null!;

    internal TestKit KitA { get; private set; } = null!;

    internal TestKit KitB { get; private set; } = null!;

    public string SharedCertificate => temp.Combine("shared.pfx");

    public string SharedThumbprint { get; private set; } = string.Empty;

    public string Combine(params string[] parts) => temp.Combine(parts);

    public async Task InitializeAsync()
    {
        SharedThumbprint = TestCertificates.WritePfx(SharedCertificate, SharedPassword, "CN=test cluster shared");
        TestCertificates.WritePfx(temp.Combine("other.pfx"), "other pass", "CN=test cluster other");

        // NodeConfig.Load reads the node's environment variables: none of the developer's may leak in.
        using (var environment = new EnvironmentScope())
        {
            environment.Set("SESSIONCLUSTER_TLS_PASSWORD", null);
            A = await ClusterNode.Start(temp.Combine("a"), NodeHocon("node-a", SharedCertificate, SharedPassword, seed: null));
            KitA = new TestKit(A.System);
            AwaitUp(KitA, A);

            B = await ClusterNode.Start(temp.Combine("b"), NodeHocon("node-b", SharedCertificate, SharedPassword, A.Address));
            KitB = new TestKit(B.System);
            AwaitUp(KitB, B);

            // No seed: C connects to A only when a test sends to A (Akka stops a node whose outbound TLS handshake fails).
            C = await ClusterNode.Start(temp.Combine("c"), NodeHocon("node-c", temp.Combine("other.pfx"), "other pass", seed: null));
        }

        foreach (var node in new[] { A, B, C })
        {
            node.System.ActorOf(EchoActor.Props(), "echo");
        }

        A.System.ActorOf(EchoActor.Props(KitA.TestActor), "inbox");
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { C, B, A })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        temp.Dispose();
    }

    /// <summary>Up, or the reason the node stopped (Akka stops a node whose outbound TLS handshake fails for any reason).</summary>
    private static void AwaitUp(TestKit kit, ClusterNode node) => kit.AwaitAssert(
        () =>
        {
            Assert.False(
                node.System.WhenTerminated.IsCompleted,
                $"{node.Settings.NodeName} stopped: {CoordinatedShutdown.Get(node.System).ShutdownReason}");
            Assert.Equal(MemberStatus.Up, node.Cluster.SelfMember.Status);
        },
        Wait);

    private static string NodeHocon(string name, string certificate, string password, Address? seed) => $$"""
        sessioncluster {
          node-name = "{{name}}"
          # Remoting is what these nodes test; each keeps its own SQLite journal.
          persistence.sqlite.refuse-other-nodes = off
          cluster {
            seed-nodes = [{{(seed is null ? string.Empty : $"\"{seed}\"")}}]
            tls {
              certificate = "{{certificate}}"
              password = "{{password}}"
            }
          }
        }
        """;
}
