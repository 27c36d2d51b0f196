using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Domain.Placement;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>
/// The entity places a launch through the node's AgentPlacement (a probe) and then talks only to the agent host of the
/// node it recorded (probes by node id), also after it is recreated from the journal on another node.
/// </summary>
public sealed class PlacementEntityTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly AgentHostPlacement NodeB = new("id-b", "node-b", "akka.tcp://sessioncluster@node-b:4053");
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void A_launch_without_placement_is_placed_recorded_and_started_on_the_chosen_node()
    {
        using var kit = new Kit(journal);
        var (entity, placement, hosts) = kit.Entity("p1");

        entity.Tell(Launch("p1"), kit.TestActor);

        var place = placement.ExpectMsg<PlaceSession>(Wait);
        Assert.Equal(new PlaceSession("p1", "claude", "/tmp", null), place);
        kit.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not decided before it is placed
        placement.Reply(new SessionPlaced(NodeB));

        var state = kit.ExpectMsg<SessionAccepted>(Wait).State;
        Assert.Equal(("id-b", "node-b", NodeB.Address), (state.NodeId, state.Node, state.NodeAddress));
        var start = hosts["id-b"].ExpectMsg<StartAgent>(Wait);
        Assert.Equal("p1", start.SessionId);
        hosts["id-a"].ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        hosts["none"].ExpectNoMsg(TimeSpan.Zero);

        Assert.Equal(1, journal.Count("journal"));
        kit.Sys.Stop(entity);
        using var again = new Kit(journal);
        var (recovered, _, _) = again.Entity("p1");
        var read = again.Accept(recovered, new GetSession("p1"));
        Assert.Equal(("id-b", "node-b", NodeB.Address), (read.NodeId, read.Node, read.NodeAddress)); // from the journaled SessionLaunched
    }

    [Fact]
    public void After_recovery_stop_and_input_go_to_the_host_of_the_recorded_node()
    {
        using (var first = new Kit(journal))
        {
            var (entity, placement, hosts) = first.Entity("p2");
            entity.Tell(Launch("p2"), first.TestActor);
            placement.ExpectMsg<PlaceSession>(Wait);
            placement.Reply(new SessionPlaced(NodeB));
            first.ExpectMsg<SessionAccepted>(Wait);
            hosts["id-b"].ExpectMsg<StartAgent>(Wait);
            first.Accept(entity, new SessionCommandEnvelope("p2", new RecordProcessStarted("node-b", 4242, At, "id-b")));
            first.Accept(entity, Turn("p2", 0.01m));
        }

        using var again = new Kit(journal);
        var (recovered, againPlacement, againHosts) = again.Entity("p2");

        again.Accept(recovered, Respond("p2", "next ✓"));
        Assert.Equal("next ✓", againHosts["id-b"].ExpectMsg<SendInput>(Wait).Message);
        again.Accept(recovered, new SessionCommandEnvelope("p2", new Domain.Kill(At)));
        var stop = againHosts["id-b"].ExpectMsg<StopAgent>(Wait);
        Assert.Equal((StopMode.Kill, 4242), (stop.Mode, stop.Pid));

        againHosts["id-a"].ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        againHosts["none"].ExpectNoMsg(TimeSpan.Zero);
        againPlacement.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void A_placement_that_does_not_answer_in_time_is_refused_as_unavailable_and_nothing_is_journaled()
    {
        using var kit = new Kit(journal);
        var (entity, placement, hosts) = kit.Entity("p3", SessionEntitySettings.Default with { PlaceWithin = TimeSpan.FromMilliseconds(300) });

        entity.Tell(Launch("p3"), kit.TestActor);
        placement.ExpectMsg<PlaceSession>(Wait);

        var rejected = kit.ExpectMsg<SessionRejected>(Wait);
        Assert.Equal(RejectionCode.Unavailable, rejected.Rejection.Code);
        Assert.Contains("placing session p3 took longer than", rejected.Rejection.Reason);
        Assert.Equal(0, journal.Count("journal"));
        hosts["id-b"].ExpectNoMsg(TimeSpan.Zero);

        // And the entity serves again: the next launch is placed.
        entity.Tell(Launch("p3"), kit.TestActor);
        placement.ExpectMsg<PlaceSession>(Wait);
        placement.Reply(new SessionPlaced(NodeB));
        kit.ExpectMsg<SessionAccepted>(Wait);
    }

    [Fact]
    public void A_refused_placement_is_the_launch_answer()
    {
        using var kit = new Kit(journal);
        var (entity, placement, _) = kit.Entity("p4");

        entity.Tell(Launch("p4"), kit.TestActor);
        placement.ExpectMsg<PlaceSession>(Wait);
        var refusal = new Rejection(RejectionCode.Unavailable, "every agent host is at its capacity");
        placement.Reply(new PlacementRefused(refusal));

        Assert.Equal(refusal, kit.ExpectMsg<SessionRejected>(Wait).Rejection);
        Assert.Equal(0, journal.Count("journal"));
    }

    [Fact]
    public void Commands_while_placing_wait_in_a_bounded_stash_and_beyond_it_are_refused()
    {
        using var kit = new Kit(journal);
        var (entity, placement, _) = kit.Entity("p5", SessionEntitySettings.Default with { StashWhilePlacing = 1 });
        var waiting = kit.CreateTestProbe();
        var refused = kit.CreateTestProbe();

        entity.Tell(Launch("p5"), kit.TestActor);
        placement.ExpectMsg<PlaceSession>(Wait);
        entity.Tell(new GetSession("p5"), waiting.Ref);
        entity.Tell(new SessionCommandEnvelope("p5", new Domain.Kill(At)), refused.Ref);

        var rejection = refused.ExpectMsg<SessionRejected>(Wait).Rejection;
        Assert.Equal(RejectionCode.Unavailable, rejection.Code);
        Assert.Contains("being placed", rejection.Reason);
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        placement.Reply(new SessionPlaced(NodeB));
        kit.ExpectMsg<SessionAccepted>(Wait);
        Assert.Equal("p5", Assert.IsType<SessionAccepted>(waiting.ExpectMsg<SessionReply>(Wait)).State.Id);
    }

    /// <summary>One actor system over the shared journal file, with a placement probe and a host probe per node id.</summary>
    private sealed class Kit(SqliteJournal journal) : TestKit(journal.Config())
    {
        public (IActorRef Entity, TestProbe Placement, IReadOnlyDictionary<string, TestProbe> Hosts) Entity(string id, SessionEntitySettings? settings = null)
        {
            var placement = CreateTestProbe();
            var hosts = new Dictionary<string, TestProbe> { ["id-a"] = CreateTestProbe(), ["id-b"] = CreateTestProbe(), ["none"] = CreateTestProbe() };

            // id-a is "this" node: a session with no recorded node would go there, which these tests must never see.
            var agentHosts = AgentHosts.Resolving(nodeId => hosts[string.IsNullOrEmpty(nodeId) ? "id-a" : hosts.ContainsKey(nodeId) ? nodeId : "none"].Ref, placement.Ref);
            return (Sys.ActorOf(SessionEntity.Props(id, agentHosts, ActorRefs.Nobody, settings ?? SessionEntitySettings.Default)), placement, hosts);
        }

        public SessionState Accept(IActorRef entity, ISessionMessage message)
        {
            entity.Tell(message, TestActor);
            return Assert.IsType<SessionAccepted>(ExpectMsg<SessionReply>(Wait)).State;
        }
    }
}
