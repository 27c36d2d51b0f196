using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Tests.Delivery;

/// <summary>
/// A one-node cluster with the session region wired as the node wires it (reliable-delivery consumer controller around
/// each entity, the node's fact producer), over Akka.Persistence.TestKit's journal, whose writes a test can make fail.
/// A probe plays the agent host.
/// </summary>
public sealed class DeliveryKit : TestKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    public static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public DeliveryKit(string extraConfig = "")
        : base(KitConfig(extraConfig))
    {
        Journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);
        Host = CreateTestProbe();
        Region = ClusterSharding.Get(Sys).Start(
            SessionRegion.TypeName,
            id => SessionEntity.Sharded(id, AgentHosts.Only(Host.Ref), ActorRefs.Nobody, SessionEntitySettings.Default, Sys),
            ClusterShardingSettings.Create(Sys),
            new SessionMessageExtractor());
    }

    public ITestJournal Journal { get; }

    public TestProbe Host { get; }

    public IActorRef Region { get; }

    /// <summary>The node's fact producer, sending through <paramref name="link"/> (the region itself when null).</summary>
    public IActorRef Producer(Props? link = null, string id = "producer")
    {
        var to = link is null ? Region : Sys.ActorOf(link);
        return Sys.ActorOf(SessionFactProducer.Props("test-" + id, to));
    }

    public SessionState Ask(ISessionMessage message)
    {
        Region.Tell(message, TestActor);
        var reply = ExpectMsg<SessionReply>(Wait);
        return reply is SessionRejected rejected
            ? throw new InvalidOperationException($"{message} was refused: {rejected.Rejection}")
            : ((SessionAccepted)reply).State;
    }

    public SessionState State(string id) => Ask(new GetSession(id));

    /// <summary>Waits (with a deadline) until the session's state passes <paramref name="check"/>, and returns it.</summary>
    public SessionState Eventually(string id, Func<SessionState, bool> check)
    {
        SessionState? last = null;
        AwaitAssert(() => Assert.True(check(last = State(id)), $"state so far: {last}"), Wait, TimeSpan.FromMilliseconds(100));
        return last!;
    }

    public static SessionCommandEnvelope Launch(string id) => new(id, new LaunchSession(
        id, "name-" + id, new LaunchSpec("claude", "say hello", "/tmp", null, true, 10, ImmutableSortedDictionary<string, string>.Empty), At));

    public static SessionFact Started(string id, long seq, int pid = 4242) => new(id, seq, new RecordProcessStarted("node-a", pid, At, "id-a", 99));

    public static SessionFact AgentSession(string id, long seq) => new(id, seq, new RecordAgentSessionId("conv-1", null, At));

    public static SessionFact Turn(string id, long seq, decimal cost) =>
        new(id, seq, new RecordTurnResult(cost, new TokenUsage(10, 5, 0, 0), false, WaitingReason.NextTurn, At));

    public static SessionFact Exit(string id, long seq, int code = 0) =>
        new(id, seq, new RecordProcessExit(new AgentExit(code, null, string.Empty, string.Empty, null, null), At));

    public static SessionCommandEnvelope Respond(string id) => new(id, new Respond("go on", false, At));

    private static Config KitConfig(string extra) => ConfigurationFactory.ParseString(extra + """

        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        akka.reliable-delivery {
          consumer-controller { resend-interval-min = 300ms, resend-interval-max = 1s }
          sharding.producer-controller.resend-first-unconfirmed-idle-timeout = 500ms
        }
        """)
        .WithFallback(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"))
        .WithFallback(SessionEventSerializer.Config);
}
