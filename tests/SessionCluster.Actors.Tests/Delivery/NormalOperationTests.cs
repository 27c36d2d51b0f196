using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.Delivery;

/// <summary>
/// The node's real pieces (shard region with reliable delivery, agent host, fact producer, SQLite journal) running the
/// real claude against the scripted model server: a whole session produces no dead letter and no unhandled message.
/// </summary>
public sealed class NormalOperationTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SqliteJournal journal = new();
    private readonly TempDirectory temp = new("sessioncluster-normal");
    private ScriptedModelServer model = null!;

    public async Task InitializeAsync() => model = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await model.DisposeAsync();

    public void Dispose()
    {
        journal.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void A_session_from_launch_through_turns_respond_and_kill_leaves_no_dead_letter_and_no_unhandled_message()
    {
        using var kit = new TestKit(journal.Config("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.sharding.state-store-mode = ddata
            """));
        var cluster = Cluster.Get(kit.Sys);
        cluster.Join(cluster.SelfAddress);
        kit.AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, Wait);
        var hostRef = new IActorRef[1];
        var region = ClusterSharding.Get(kit.Sys).Start(
            SessionRegion.TypeName,
            id => SessionEntity.Sharded(id, AgentHosts.Only(hostRef[0]), ActorRefs.Nobody, SessionEntitySettings.Default, kit.Sys),
            ClusterShardingSettings.Create(kit.Sys),
            new SessionMessageExtractor());
        var facts = kit.Sys.ActorOf(SessionFactProducer.Props("normal", region), SessionFactProducer.Name);
        hostRef[0] = kit.Sys.ActorOf(AgentHost.Props(region, facts, new AgentHostSettings(
            "node-test",
            "node-test-id",
            new Dictionary<string, IAgentDriver> { ["claude"] = new ClaudeDriver(new ClaudeDriverOptions(AgentBinaries.Claude)) },
            AgentRunOptions.Default with { InterruptGrace = TimeSpan.FromSeconds(2) },
            AgentTree.KillLeftover)), AgentHost.Name);

        var noise = kit.CreateTestProbe();
        kit.Sys.EventStream.Subscribe(noise.Ref, typeof(DeadLetter));
        kit.Sys.EventStream.Subscribe(noise.Ref, typeof(UnhandledMessage));
        kit.Sys.EventStream.Subscribe(noise.Ref, typeof(Dropped));

        model.Enqueue(ModelReply.Text("First."), ModelReply.Text("Second."));
        var env = AgentTestEnvironment.Claude(model.BaseUrl, temp.CreateDirectory("home")).ToImmutableSortedDictionary();
        Ask(kit, region, new SessionCommandEnvelope("n1", new LaunchSession(
            "n1", "normal", new LaunchSpec("claude", "say hello", temp.CreateDirectory("work"), null, true, 10, env), DateTimeOffset.UtcNow)));
        Until(kit, region, s => s.Status == SessionStatus.WaitingForInput);
        Ask(kit, region, new SessionCommandEnvelope("n1", new Respond("and again", false, DateTimeOffset.UtcNow)));
        Until(kit, region, s => s is { Status: SessionStatus.WaitingForInput, TurnsCompleted: 2 });
        Ask(kit, region, new SessionCommandEnvelope("n1", new Domain.Kill(DateTimeOffset.UtcNow)));
        var done = Until(kit, region, s => s is { Status: SessionStatus.Killed, Pid: null });

        Assert.Equal(1, done.RespondCount);
        Assert.Equal(1, done.ProcessCount);
        Assert.Equal(9, done.LastSignal);
        Assert.True(done.LastFactSeq >= 5, $"facts applied: {done.LastFactSeq}");
        noise.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    private static SessionState Ask(TestKit kit, IActorRef region, ISessionMessage message)
    {
        region.Tell(message, kit.TestActor);
        return Assert.IsType<SessionAccepted>(kit.ExpectMsg<SessionReply>(Wait)).State;
    }

    private static SessionState Until(TestKit kit, IActorRef region, Func<SessionState, bool> check)
    {
        SessionState? last = null;
        kit.AwaitAssert(() => Assert.True(check(last = Ask(kit, region, new GetSession("n1"))), $"state: {last}"), Wait, TimeSpan.FromMilliseconds(200));
        return last!;
    }
}
