using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>Sessions behind a real shard region in a one-node cluster, as the node runs them.</summary>
public sealed class ShardedSessionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void Commands_reach_the_entity_by_session_id_and_survive_a_restart_of_the_cluster()
    {
        using (var kit = new ClusterKit(journal))
        {
            var region = kit.StartRegion();
            kit.Ask(region, Launch("a1"));
            kit.Ask(region, Launch("b2"));
            kit.Ask(region, Started("a1"));
            kit.Ask(region, Turn("a1", 0.5m));
            Assert.Equal(SessionStatus.WaitingForInput, kit.Ask(region, new GetSession("a1")).Status);
            Assert.Equal(SessionStatus.Starting, kit.Ask(region, new GetSession("b2")).Status);
        }

        using var restarted = new ClusterKit(journal);
        var again = restarted.StartRegion();
        var a1 = restarted.Ask(again, new GetSession("a1"));
        Assert.Equal(1, a1.TurnsCompleted);
        Assert.Equal(0.5m, a1.CostUsd);
        Assert.Equal("session-a1", SessionCluster.Actors.Sessions.SessionRegion.PersistenceIdOf("a1"));
    }

    [Fact]
    public void A_resume_sent_to_the_old_session_launches_the_new_one_through_the_region()
    {
        using var kit = new ClusterKit(journal);
        var region = kit.StartRegion();
        kit.Ask(region, Launch("c1"));
        kit.Ask(region, Started("c1"));
        kit.Ask(region, new SessionCommandEnvelope("c1", new RecordAgentSessionId("conv-c1", null, At)));
        kit.Ask(region, new SessionCommandEnvelope("c1", new Domain.Kill(At)));

        var made = kit.Ask(region, new SessionCommandEnvelope("c1", new Resume("c2", At, "go on")));

        Assert.Equal(("c2", "c1", "go on"), (made.Id, made.ResumedFromId, made.Prompt));
        Assert.Equal(SessionStatus.Starting, kit.Ask(region, new GetSession("c2")).Status);
        var old = kit.Ask(region, new GetSession("c1"));
        Assert.Equal(["c2"], old.ResumedAs);
        Assert.Empty(old.UnlaunchedResumes);
    }

    private sealed class ClusterKit(SqliteJournal journal) : TestKit(journal.Config("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        """))
    {
        public IActorRef StartRegion()
        {
            var cluster = Cluster.Get(Sys);
            cluster.Join(cluster.SelfAddress);
            AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);
            var host = CreateTestProbe();
            var region = new IActorRef[1];
            // The region is read when an entity starts, after Start returned: a resume launches its new session through it.
            return region[0] = ClusterSharding.Get(Sys).Start(
                SessionCluster.Actors.Sessions.SessionRegion.TypeName,
                id => SessionEntity.Props(id, host.Ref, region[0], SessionEntitySettings.Default),
                ClusterShardingSettings.Create(Sys),
                new SessionMessageExtractor());
        }

        public SessionState Ask(IActorRef region, ISessionMessage message)
        {
            region.Tell(message, TestActor);
            return Assert.IsType<SessionAccepted>(ExpectMsg<SessionReply>(Wait)).State;
        }
    }
}
