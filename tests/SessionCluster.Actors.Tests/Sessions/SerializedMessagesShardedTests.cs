using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Sharding.Delivery;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>
/// The node's wiring (shard region of consumer controllers, fact producer, AgentHost) in a one-node cluster with
/// <c>serialize-messages = on</c>: every message is serialized and read back on each send, as between nodes.
/// </summary>
/// <remarks>
/// The journal is the in-memory one: Akka.Persistence.Sql's own internal messages (a Task inside) cannot pass
/// serialize-messages, and ShardedSessionTests covers the SQLite journal.
/// </remarks>
public sealed class SerializedMessagesShardedTests() : TestKit(ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """)
    .WithFallback(SessionMessageSerializer.Config)
    .WithFallback(SessionEventSerializer.Config))
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_launch_with_no_driver_fails_through_host_facts_and_delivery_with_every_message_serialized()
    {
        Assert.True(Sys.Settings.SerializeAllMessages);
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);

        IActorRef host = ActorRefs.Nobody; // the entities are created after it is set
        var region = ClusterSharding.Get(Sys).Start(
            SessionRegion.TypeName,
            id => ShardingConsumerController.Create<SessionFact>(
                consumer => SessionEntity.Props(id, host, SessionEntitySettings.Default, consumer),
                ShardingConsumerController.Settings.Create(Sys)),
            ClusterShardingSettings.Create(Sys),
            new SessionMessageExtractor(10));
        var facts = Sys.ActorOf(SessionFactProducer.Props("agent-host-test", region), SessionFactProducer.Name);
        host = Sys.ActorOf(AgentHost.Props(region, facts, new AgentHostSettings(
            "node-a", "node-id-a", new Dictionary<string, IAgentDriver>(), AgentRunOptions.Default, (_, _) => false)), AgentHost.Name);

        // Launch -> StartAgent -> no driver -> a launch-failure fact over Akka.Delivery -> the session fails.
        region.Tell(Launch("w1"), TestActor);
        Assert.Equal(SessionStatus.Starting, ExpectMsg<SessionAccepted>(Wait).State.Status);
        AwaitAssert(() =>
        {
            region.Tell(new GetSession("w1"), TestActor);
            var state = ExpectMsg<SessionAccepted>(Wait).State;
            Assert.Equal(SessionStatus.Failed, state.Status);
            Assert.Equal(ErrorKind.AgentBinaryMissing, state.Error?.Kind);
            Assert.Equal("sk-secret", state.Env["ANTHROPIC_API_KEY"]);
        }, Wait);

        region.Tell(new SessionCommandEnvelope("w1", new Interrupt(At)), TestActor);
        Assert.Equal(RejectionCode.IllegalTransition, ExpectMsg<SessionRejected>(Wait).Rejection.Code);

        // The rest of the host's protocol.
        host.Tell(new SendInput("w1", "nobody reads this"), TestActor);
        host.Tell(new StopAgent("w1", StopMode.Kill, 4242, 1), TestActor);
        Assert.Equal("w1", ExpectMsg<AgentNotRunning>(Wait).SessionId);
        host.Tell(GetRunningAgents.Instance, TestActor);
        Assert.Empty(ExpectMsg<RunningAgents>(Wait).SessionIds);
        host.Tell(new StopAllAgents(StopAllAgents.NodeStopped), TestActor);
        Assert.Equal(0, ExpectMsg<AgentsStopped>(Wait).Count);
    }
}
