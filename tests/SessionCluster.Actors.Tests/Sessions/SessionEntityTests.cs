using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>The entity over a real SQLite journal, with a probe standing in for the node's AgentHost.</summary>
public sealed class SessionEntityTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void Launch_is_persisted_and_asks_the_agent_host_to_start_the_agent()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("s1");

        entity.Tell(Launch("s1"), kit.TestActor);

        var state = kit.ExpectMsg<SessionAccepted>(Wait).State;
        Assert.Equal(SessionStatus.Starting, state.Status);
        var start = host.ExpectMsg<StartAgent>(Wait);
        Assert.Equal("claude", start.Agent);
        Assert.Equal("say hello", start.Request.Launch.Prompt);
        Assert.Equal("sk-secret", start.Request.Launch.Env["ANTHROPIC_API_KEY"]);
        Assert.Equal(1, journal.Count("journal"));
    }

    [Fact]
    public void Every_status_change_is_logged_once_without_the_prompt_or_the_env()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("s9");

        kit.EventFilter.Info(contains: "Session s9 (").Expect(2, Wait, () =>
        {
            kit.Accept(entity, Launch("s9"));
            host.ExpectMsg<StartAgent>(Wait);
            kit.Accept(entity, Started("s9"));
        });
        kit.EventFilter.Info(message: "Session s9 (name-s9, claude): running -> waiting-for-input on node node-a").ExpectOne(Wait, () =>
            kit.Accept(entity, Turn("s9", 0.01m)));
        kit.EventFilter.Custom(e => e.ToString().Contains("say hello") || e.ToString().Contains("sk-secret"))
            .Expect(0, TimeSpan.FromSeconds(1), () => kit.Accept(entity, Respond("s9", "more")));
    }

    [Fact]
    public void Turns_and_responds_flow_through_the_entity_to_the_agent_host()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("s2");
        kit.Accept(entity, Launch("s2"));
        host.ExpectMsg<StartAgent>(Wait);

        Assert.Equal(SessionStatus.Running, kit.Accept(entity, Started("s2")).Status);
        var waiting = kit.Accept(entity, Turn("s2", 0.01m));
        Assert.Equal(SessionStatus.WaitingForInput, waiting.Status);
        Assert.Equal(WaitingReason.NextTurn, waiting.WaitingReason);

        var responded = kit.Accept(entity, Respond("s2", "next please"));
        Assert.Equal(SessionStatus.Running, responded.Status);
        Assert.Equal(1, responded.RespondCount);
        Assert.Equal("next please", host.ExpectMsg<SendInput>(Wait).Message);
    }

    [Fact]
    public void Illegal_commands_are_rejected_with_the_current_status_and_persist_nothing()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("s3");
        kit.Accept(entity, Launch("s3"));
        var persisted = journal.Count("journal");

        entity.Tell(Respond("s3"), kit.TestActor);
        var rejected = kit.ExpectMsg<SessionRejected>(Wait);
        Assert.Equal(RejectionCode.IllegalTransition, rejected.Rejection.Code);
        Assert.Contains("starting", rejected.Rejection.Reason);

        entity.Tell(Launch("s3"), kit.TestActor);
        Assert.Equal(RejectionCode.AlreadyExists, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
        Assert.Equal(persisted, journal.Count("journal"));
        host.ExpectMsg<StartAgent>(Wait);
        host.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_unknown_session_answers_unknown()
    {
        using var kit = new Kit(journal);
        var (entity, _) = kit.Entity("nobody");

        entity.Tell(new GetSession("nobody"), kit.TestActor);

        Assert.Equal(RejectionCode.UnknownSession, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
    }

    [Fact]
    public void Interrupt_and_kill_stop_the_agent_through_the_host()
    {
        using var kit = new Kit(journal);
        var (first, firstHost) = kit.Entity("s4");
        kit.Accept(first, Launch("s4"));
        kit.Accept(first, Started("s4"));
        Assert.Equal(SessionStatus.Interrupted, kit.Accept(first, new SessionCommandEnvelope("s4", new Interrupt(At))).Status);
        firstHost.ExpectMsg<StartAgent>(Wait);
        Assert.Equal(StopMode.Interrupt, firstHost.ExpectMsg<StopAgent>(Wait).Mode);

        // Killed before its process reported: the stop goes out once the process is known.
        var (second, secondHost) = kit.Entity("s5");
        kit.Accept(second, Launch("s5"));
        Assert.Equal(SessionStatus.Killed, kit.Accept(second, new SessionCommandEnvelope("s5", new Domain.Kill(At))).Status);
        secondHost.ExpectMsg<StartAgent>(Wait);
        secondHost.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(4242, kit.Accept(second, Started("s5")).Pid);
        var stop = secondHost.ExpectMsg<StopAgent>(Wait);
        Assert.Equal(StopMode.Kill, stop.Mode);
        Assert.Equal(4242, stop.Pid);
    }

    [Fact]
    public void A_new_actor_system_on_the_same_file_recovers_the_session()
    {
        using (var kit = new Kit(journal))
        {
            var (entity, _) = kit.Entity("s6");
            kit.Accept(entity, Launch("s6"));
            kit.Accept(entity, Started("s6"));
            kit.Accept(entity, Turn("s6", 0.02m));
            kit.Accept(entity, Respond("s6"));
            kit.Accept(entity, Turn("s6", 0.05m));
        }

        using var restarted = new Kit(journal);
        var (recovered, host) = restarted.Entity("s6");
        recovered.Tell(new GetSession("s6"), restarted.TestActor);
        var state = restarted.ExpectMsg<SessionAccepted>(Wait).State;

        Assert.Equal(SessionStatus.WaitingForInput, state.Status);
        Assert.Equal(2, state.TurnsCompleted);
        Assert.Equal(1, state.RespondCount);
        Assert.Equal(0.05m, state.CostUsd);
        Assert.Equal("node-a", state.Node);
        // Recovery replays state; it never starts the agent again.
        host.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Snapshots_are_saved_every_n_events_and_recovery_starts_from_them()
    {
        var settings = SessionEntitySettings.Default with { SnapshotEvery = 3 };
        using (var kit = new Kit(journal))
        {
            var (entity, _) = kit.Entity("s7", settings);
            kit.Accept(entity, Launch("s7"));
            kit.Accept(entity, Started("s7"));
            kit.Accept(entity, Turn("s7", 0.01m)); // events 3 and 4: a snapshot after 4
            kit.Accept(entity, Respond("s7"));
            kit.Accept(entity, Turn("s7", 0.02m)); // events 6 and 7: a snapshot after 7
            kit.AwaitAssert(() => Assert.Equal(2, journal.Count("snapshot")), Wait);
        }

        using var restarted = new Kit(journal);
        var (recovered, _) = restarted.Entity("s7", settings);
        recovered.Tell(new GetSession("s7"), restarted.TestActor);
        var state = restarted.ExpectMsg<SessionAccepted>(Wait).State;
        Assert.Equal(2, state.TurnsCompleted);
        Assert.Equal(1, state.RespondCount);
        Assert.Equal(SessionStatus.WaitingForInput, state.Status);
    }

    [Fact]
    public void A_recovered_interrupted_session_whose_process_is_still_recorded_is_stopped_again_until_the_host_says_it_is_gone()
    {
        using (var kit = new Kit(journal))
        {
            var (entity, host) = kit.Entity("r1");
            kit.Accept(entity, Launch("r1"));
            kit.Accept(entity, Started("r1"));
            kit.Accept(entity, new SessionCommandEnvelope("r1", new Interrupt(At)));
            host.ExpectMsg<StartAgent>(Wait);
            host.ExpectMsg<StopAgent>(Wait);
            // The node goes down before the process's exit is recorded.
        }

        using var restarted = new Kit(journal);
        var (recovered, again) = restarted.Entity("r1", Quick);
        Assert.Equal(4242, restarted.Accept(recovered, new GetSession("r1")).Pid);

        for (var i = 0; i < 2; i++)
        {
            var stop = again.ExpectMsg<StopAgent>(Wait);
            Assert.Equal((StopMode.Interrupt, 4242), (stop.Mode, stop.Pid));
        }

        again.Reply(new AgentNotRunning("r1"));
        restarted.AwaitAssert(() => Assert.Null(restarted.Accept(recovered, new GetSession("r1")).Pid), Wait);
        again.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m as StopAgent); // asks sent before the answer landed
        again.ExpectNoMsg(TimeSpan.FromMilliseconds(800));
        Assert.Equal(SessionStatus.Interrupted, restarted.Accept(recovered, new GetSession("r1")).Status);
    }

    [Fact]
    public void A_launch_whose_process_never_reported_is_asked_for_again_until_it_does_then_never()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("r2", Quick);
        kit.Accept(entity, Launch("r2"));

        Assert.Equal("r2", host.ExpectMsg<StartAgent>(Wait).SessionId);
        Assert.Equal("r2", host.ExpectMsg<StartAgent>(Wait).SessionId);
        kit.Accept(entity, Started("r2"));

        host.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m as StartAgent); // asks sent before the fact landed
        host.ExpectNoMsg(TimeSpan.FromMilliseconds(800));
    }

    private static readonly SessionEntitySettings Quick = SessionEntitySettings.Default with { AskAgentHostAgainAfter = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public void A_finished_session_asks_to_be_passivated_when_idle()
    {
        using var kit = new Kit(journal);
        var parent = kit.CreateTestProbe();
        var host = kit.CreateTestProbe();
        var entity = parent.ChildActorOf(SessionEntity.Props(
            "s8", host.Ref, ActorRefs.Nobody, SessionEntitySettings.Default with { PassivateWhenFinishedAfter = TimeSpan.FromMilliseconds(200) }));

        kit.Accept(entity, Launch("s8"));
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(400)); // live: stays
        kit.Accept(entity, new SessionCommandEnvelope("s8", new Domain.Kill(At)));

        parent.ExpectMsg<Passivate>(Wait);
    }

    /// <summary>One actor system over the shared journal file.</summary>
    private sealed class Kit(SqliteJournal journal) : TestKit(journal.Config())
    {
        public (IActorRef Entity, TestProbe Host) Entity(string id, SessionEntitySettings? settings = null)
        {
            var host = CreateTestProbe();
            return (Sys.ActorOf(SessionEntity.Props(id, host.Ref, ActorRefs.Nobody, settings ?? SessionEntitySettings.Default)), host);
        }

        public SessionState Accept(IActorRef entity, ISessionMessage message)
        {
            entity.Tell(message, TestActor);
            var reply = ExpectMsg<SessionReply>(Wait);
            return Assert.IsType<SessionAccepted>(reply).State;
        }
    }
}
