using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.AgentHosting;

/// <summary>The node-local AgentHost running the real claude against a scripted model server; a probe plays the shard region.</summary>
public sealed class AgentHostTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new("sessioncluster-agenthost");
    private ScriptedModelServer model = null!;

    public async Task InitializeAsync() => model = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync()
    {
        await model.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public void A_single_turn_agent_reports_start_session_id_turn_and_a_clean_exit()
    {
        model.Enqueue(ModelReply.Text("Hello there."));
        var region = CreateTestProbe();
        var host = Sys.ActorOf(AgentHost.Props(region.Ref, region.Ref, Settings(AgentBinaries.Claude)));

        host.Tell(Start("h1", multiTurn: false));

        var started = Expect<RecordProcessStarted>(region, "h1");
        Assert.Equal("node-test", started.Node);
        Assert.True(started.Pid > 0);
        Assert.False(string.IsNullOrEmpty(Expect<RecordAgentSessionId>(region, "h1").AgentSessionId));
        var turn = Expect<RecordTurnResult>(region, "h1");
        Assert.False(turn.IsError);
        Assert.True(turn.TotalCostUsd > 0);
        Assert.Equal("Hello there.", turn.LastText);
        var exit = Expect<RecordProcessExit>(region, "h1").Exit;
        Assert.Equal(0, exit.ExitCode);
        Assert.Null(exit.ObservedFailure);
    }

    [Fact]
    public void Input_reaches_a_waiting_agent_and_kill_ends_it_by_sigkill()
    {
        model.Enqueue(ModelReply.Text("First."), ModelReply.Text("Second."));
        var region = CreateTestProbe();
        var host = Sys.ActorOf(AgentHost.Props(region.Ref, region.Ref, Settings(AgentBinaries.Claude)));
        host.Tell(Start("h2", multiTurn: true));
        Expect<RecordProcessStarted>(region, "h2");
        Expect<RecordAgentSessionId>(region, "h2");
        Expect<RecordTurnResult>(region, "h2");

        host.Tell(new SendInput("h2", "and again"));
        Expect<RecordTurnResult>(region, "h2");
        host.Tell(new StopAgent("h2", StopMode.Kill));

        var exit = Expect<RecordProcessExit>(region, "h2").Exit;
        Assert.Equal(9, exit.Signal);
        AwaitAssert(() =>
        {
            host.Tell(GetRunningAgents.Instance, TestActor);
            Assert.Empty(ExpectMsg<RunningAgents>().SessionIds);
        }, Wait);
    }

    [Fact]
    public void A_missing_binary_and_an_unknown_agent_are_launch_failures()
    {
        var region = CreateTestProbe();
        var host = Sys.ActorOf(AgentHost.Props(region.Ref, region.Ref, Settings(temp.Combine("no-such-claude"))));

        host.Tell(Start("h3", multiTurn: true));
        var missing = Expect<RecordLaunchFailure>(region, "h3");
        Assert.Equal(ErrorKind.AgentBinaryMissing, missing.Kind);
        Assert.Equal("node-test", missing.Node);

        host.Tell(Start("h4", multiTurn: true) with { Agent = "gpt-9" });
        Assert.Contains("no driver for agent 'gpt-9'", Expect<RecordLaunchFailure>(region, "h4").Message);
    }

    [Fact]
    public void A_start_asked_for_again_starts_nothing_more_so_a_launch_is_started_once_or_failed_once()
    {
        var facts = CreateTestProbe();
        var host = Sys.ActorOf(AgentHost.Props(facts.Ref, facts.Ref, Settings(temp.Combine("no-such-claude"))));

        host.Tell(Start("h5", multiTurn: true));
        host.Tell(Start("h5", multiTurn: true));
        host.Tell(Start("h5", multiTurn: true));

        var failure = facts.ExpectMsg<SessionFact>(Wait);
        Assert.Equal((1L, "h5"), (failure.Seq, failure.SessionId));
        Assert.IsType<RecordLaunchFailure>(failure.Fact);
        facts.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void A_stop_for_a_process_the_host_does_not_run_ends_the_recorded_leftover_and_says_it_is_not_running()
    {
        var ended = new List<(int, long)>();
        var facts = CreateTestProbe();
        var settings = Settings(AgentBinaries.Claude) with { EndLeftover = (pid, start) => { lock (ended) { ended.Add((pid, start)); } return true; } };
        var host = Sys.ActorOf(AgentHost.Props(facts.Ref, facts.Ref, settings));

        host.Tell(new StopAgent("h6", StopMode.Kill, 4242, 777), TestActor);

        Assert.Equal("h6", ExpectMsg<AgentNotRunning>(Wait).SessionId);
        lock (ended)
        {
            Assert.Equal([(4242, 777L)], ended);
        }
    }

    [Fact]
    public void At_its_capacity_the_host_refuses_a_slot_to_another_session_and_gives_one_again_once_its_live_session_ends()
    {
        model.Enqueue(ModelReply.Text("Holding the only slot."));
        var region = CreateTestProbe();
        var host = Sys.ActorOf(AgentHost.Props(region.Ref, region.Ref, Settings(AgentBinaries.Claude) with { MaxLiveSessions = 1 }));
        host.Tell(new ReserveSlot("c1"), TestActor);
        ExpectMsg<SlotReserved>(Wait);
        host.Tell(Start("c1", multiTurn: true));
        Expect<RecordProcessStarted>(region, "c1");
        Expect<RecordAgentSessionId>(region, "c1");
        Expect<RecordTurnResult>(region, "c1"); // live, waiting for its next input

        host.Tell(new ReserveSlot("c2"), TestActor);
        var refused = ExpectMsg<SlotRefused>(Wait);
        Assert.Equal(
            ("c2", "node node-test is at its capacity (1 live sessions, sessioncluster.agents.max-live-sessions)"),
            (refused.SessionId, refused.Reason));
        // The live session asking again (its placement retried) keeps its slot.
        host.Tell(new ReserveSlot("c1"), TestActor);
        Assert.Equal("c1", ExpectMsg<SlotReserved>(Wait).SessionId);

        host.Tell(new StopAgent("c1", StopMode.Kill));
        Expect<RecordProcessExit>(region, "c1");
        AwaitAssert(() =>
        {
            host.Tell(new ReserveSlot("c2"), TestActor);
            Assert.Equal("c2", ExpectMsg<SlotReserved>(Wait).SessionId);
        }, Wait);
    }

    [Fact]
    public void A_slot_held_for_a_placed_session_on_its_way_counts_against_the_capacity_until_it_expires()
    {
        var host = Sys.ActorOf(AgentHost.Props(TestActor, TestActor, Settings(AgentBinaries.Claude) with
        {
            MaxLiveSessions = 1,
            ReservationHold = TimeSpan.FromSeconds(2),
        }));

        host.Tell(new ReserveSlot("r1"), TestActor);
        ExpectMsg<SlotReserved>(Wait);
        host.Tell(new ReserveSlot("r2"), TestActor);
        Assert.Contains("is at its capacity (1 live sessions", ExpectMsg<SlotRefused>(Wait).Reason);

        // r1's agent never starts: its hold runs out and the slot is free again.
        AwaitAssert(() =>
        {
            host.Tell(new ReserveSlot("r2"), TestActor);
            Assert.Equal("r2", ExpectMsg<SlotReserved>(Wait).SessionId);
        }, Wait, TimeSpan.FromMilliseconds(250));
    }

    private StartAgent Start(string id, bool multiTurn) => new(id, "claude", new AgentLaunchRequest(
        id,
        new LaunchSpec(
            "claude",
            "say hello",
            temp.CreateDirectory("work-" + id),
            null,
            multiTurn,
            0,
            AgentTestEnvironment.Claude(model.BaseUrl, temp.CreateDirectory("home-" + id)).ToImmutableSortedDictionary())));

    private static AgentHostSettings Settings(string executable) => new(
        "node-test",
        "node-test-id",
        new Dictionary<string, IAgentDriver> { ["claude"] = new ClaudeDriver(new ClaudeDriverOptions(executable)) },
        AgentRunOptions.Default with { InterruptGrace = TimeSpan.FromSeconds(2) },
        (_, _) => false);

    /// <summary>The next fact for the session: numbered one after the last, whatever its kind.</summary>
    private static T Expect<T>(Akka.TestKit.TestProbe facts, string sessionId) where T : SessionCommand
    {
        var fact = facts.ExpectMsg<SessionFact>(Wait);
        Assert.Equal(sessionId, fact.SessionId);
        return Assert.IsType<T>(fact.Fact);
    }
}
