using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Remoting between nodes built with the node's wiring: nodes sharing the cluster certificate form a cluster
/// and reach each other's actors with untrusted mode on; a node with another certificate reaches nothing.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ClusterTlsTests(TlsClusterFixture cluster) : IClassFixture<TlsClusterFixture>
{
    private static readonly TimeSpan Wait = TlsClusterFixture.Wait;

    // Long enough for a TLS handshake and a round trip on a busy machine, many times over.
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(5);

    private Address[] BothNodes => [.. new[] { cluster.A.Address, cluster.B.Address }.Order()];

    [Fact]
    public void Nodes_sharing_the_certificate_form_one_cluster_over_tls_with_untrusted_mode_on()
    {
        Assert.Equal("akka.ssl.tcp", cluster.A.Address.Protocol);
        Assert.True(cluster.A.System.Settings.Config.GetBoolean("akka.remote.untrusted-mode"));
        Assert.True(cluster.B.System.Settings.Config.GetBoolean("akka.remote.untrusted-mode"));

        // Join, gossip and heartbeats all travel as actor selections between the nodes.
        foreach (var (kit, node) in new[] { (cluster.KitA, cluster.A), (cluster.KitB, cluster.B) })
        {
            kit.AwaitAssert(
                () => Assert.Equal(
                    BothNodes,
                    node.Cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).Order()),
                Wait);
        }
    }

    [Fact]
    public void A_message_and_remote_deathwatch_reach_an_actor_on_the_other_node()
    {
        var watched = cluster.A.System.ActorOf(EchoActor.Props(), "watched");

        cluster.B.RefOn(cluster.A.Address, "user/watched").Tell("ping", cluster.KitB.TestActor);
        cluster.KitB.ExpectMsg("echo:ping", Wait);
        // The sender of the answer, with its uid: a Watch of a reference made from a path alone is ignored.
        var fromB = cluster.KitB.LastSender;

        cluster.KitB.Watch(fromB);
        // A round trip after the Watch, so the Watch has reached A before the actor stops.
        fromB.Tell("after-watch", cluster.KitB.TestActor);
        cluster.KitB.ExpectMsg("echo:after-watch", Wait);
        watched.Tell(PoisonPill.Instance);
        cluster.KitB.ExpectTerminated(fromB, Wait);

        // And the other way round: A reaches an actor of B by its address.
        cluster.A.RefOn(cluster.B.Address, "user/echo").Tell("pong", cluster.KitA.TestActor);
        cluster.KitA.ExpectMsg("echo:pong", Wait);
    }

    [Fact]
    public void A_message_the_size_of_the_largest_prompt_crosses_between_nodes()
    {
        cluster.A.System.ActorOf(EchoActor.Props(), "echo-large");
        // sessions.max-prompt-bytes is 256 KiB; a StartAgent also carries the env. Akka's default frame is 128,000 bytes.
        var prompt = new string('p', 300 * 1024);

        cluster.B.RefOn(cluster.A.Address, "user/echo-large").Tell(prompt, cluster.KitB.TestActor);

        Assert.Equal("echo:" + prompt, cluster.KitB.ExpectMsg<string>(Wait));
    }

    [Fact]
    public void Actor_selections_from_a_peer_are_dropped_unless_the_path_is_one_the_cluster_trusts()
    {
        // The placement actor is node-local: no peer selects it.
        var placement = cluster.B.System.ActorSelection(new RootActorPath(cluster.A.Address) / "user" / "agent-placement");
        var echo = cluster.B.System.ActorSelection(new RootActorPath(cluster.A.Address) / "user" / "echo");

        placement.Tell(new Identify("agent-placement"), cluster.KitB.TestActor);
        echo.Tell("by-selection", cluster.KitB.TestActor);
        // The positive control: the same actor, the same peer, addressed directly.
        cluster.B.RefOn(cluster.A.Address, "user/echo").Tell("direct", cluster.KitB.TestActor);

        cluster.KitB.ExpectMsg("echo:direct", Wait);
        cluster.KitB.ExpectNoMsg(Silence);
    }

    [Fact]
    public void Sharding_places_sessions_on_both_nodes()
    {
        var region = ActorRegistry.For(cluster.B.System).Get<SessionRegion>();

        // Shard allocation goes through the coordinator singleton on A and sharding's replicators on both nodes.
        cluster.KitB.AwaitAssert(
            () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    region.Tell(new ShardRegion.StartEntity($"tls-{Guid.NewGuid():N}"), cluster.KitB.TestActor);
                }

                cluster.KitB.ReceiveN(20, Wait);
                region.Tell(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), cluster.KitB.TestActor);
                var stats = cluster.KitB.ExpectMsg<ClusterShardingStats>(Wait);
                Assert.Equal(BothNodes, stats.Regions.Keys.Order());
                Assert.All(stats.Regions.Values, r => Assert.NotEmpty(r.Stats));
            },
            Wait,
            TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_node_with_another_certificate_cannot_associate_and_its_message_never_arrives()
    {
        cluster.C.RefOn(cluster.A.Address, "user/inbox").Tell("from-c");
        // The positive control: B sends the same message the same way, and A's inbox gets it.
        cluster.B.RefOn(cluster.A.Address, "user/inbox").Tell("from-b");
        cluster.KitA.ExpectMsg("echo:from-b", Wait);

        cluster.KitA.ExpectNoMsg(Silence);
        Assert.DoesNotContain(cluster.A.Cluster.State.Members, m => m.Address == cluster.C.Address);
        // Akka 1.5 stops an actor system whose outbound TLS handshake fails (exit code 79), rather than retry.
        var terminated = cluster.C.System.WhenTerminated;
        Assert.True(await Task.WhenAny(terminated, Task.Delay(Wait)) == terminated, "C kept running after A refused its certificate");
        Assert.Equal("TlsHandshakeFailureReason", CoordinatedShutdown.Get(cluster.C.System).ShutdownReason?.GetType().Name);
        Assert.False(cluster.A.System.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task An_openssl_client_without_the_cluster_certificate_is_cut_off_at_the_handshake()
    {
        var pem = cluster.Combine("shared.pem");
        TestCertificates.WritePem(cluster.SharedCertificate, TlsClusterFixture.SharedPassword, pem);

        // The positive control: with the cluster's certificate the connection stays open until the client ends it.
        await using (var trusted = OpensslClient.Connect(cluster.A.Address, "-cert", pem, "-key", pem))
        {
            await trusted.WaitForOutput("CONNECTION ESTABLISHED", Wait);
            Assert.False(await trusted.Exited(Silence), $"the node closed a connection with the cluster certificate: {trusted.Output}");
        }

        // .NET checks the client's certificate once OpenSSL has finished the handshake, then closes the connection.
        await using var stranger = OpensslClient.Connect(cluster.A.Address);
        Assert.True(await stranger.Exited(Wait), $"the node kept a connection without a client certificate open: {stranger.Output}");
        Assert.Contains("unexpected eof", stranger.Output, StringComparison.OrdinalIgnoreCase);
    }
}
