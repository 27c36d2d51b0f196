using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
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
/// Sessions behind a shard region and a real AgentHost in a one-node cluster with <c>serialize-messages = on</c>: every
/// message is serialized and read back on each send, as between nodes.
/// </summary>
/// <remarks>
/// Some Akka internals cannot pass serialize-messages, so they are left out: Akka.Persistence.Sql's own messages (a Task
/// inside; the journal here is the in-memory one, ShardedSessionTests covers SQLite) and Akka.Delivery's local
/// RequestNext (no producer controller; the host's facts go to a probe and are handed to the entity as commands).
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

    // serialize-messages is global, and Akka.Persistence's own WriteMessageSuccess does not survive it: the Tagged
    // payload comes back null (NullReferenceException in Session.Apply). Kept, skipped, until a two-node test replaces it.
    [Fact(Skip = "Akka.Persistence's WriteMessageSuccess loses its Tagged payload under serialize-messages")]
    public void A_launch_with_no_driver_fails_through_host_facts_and_delivery_with_every_message_serialized()
    {
        Assert.True(Sys.Settings.SerializeAllMessages);
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);

        IActorRef host = ActorRefs.Nobody; // the entities are created after it is set
        var region = ClusterSharding.Get(Sys).Start(
            SessionRegion.TypeName,
            id => SessionEntity.Props(id, host, SessionEntitySettings.Default),
            ClusterShardingSettings.Create(Sys),
            new SessionMessageExtractor(10));
        var facts = CreateTestProbe();
        host = Sys.ActorOf(AgentHost.Props(region, facts.Ref, new AgentHostSettings(
            "node-a", "node-id-a", new Dictionary<string, IAgentDriver>(), AgentRunOptions.Default, (_, _) => false)), AgentHost.Name);

        // Launch -> StartAgent (env and all) -> no driver -> a launch-failure fact -> the session fails.
        region.Tell(Launch("w1"), TestActor);
        Assert.Equal(SessionStatus.Starting, ExpectMsg<SessionAccepted>(Wait).State.Status);
        var fact = facts.ExpectMsg<SessionFact>(Wait);
        Assert.Equal(ErrorKind.AgentBinaryMissing, Assert.IsType<RecordLaunchFailure>(fact.Fact).Kind);
        region.Tell(new SessionCommandEnvelope(fact.SessionId, new RecordAgentFact(fact.Seq, fact.Fact, fact.Fact.At)), TestActor);
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
