using Akka.Actor;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class NodeLostSweepTests : Akka.TestKit.Xunit2.TestKit
{
    private const string HereId = "id-a";
    private const string HereName = "node-a";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static SessionState Session(string id, SessionStatus status, string? node, string? nodeId = null, int? pid = null) => new()
    {
        Id = id,
        Name = id,
        Launch = new LaunchSpec("claude", "p", "/w", null, true, 10, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty),
        Status = status,
        Node = node,
        NodeId = nodeId,
        Pid = pid,
        ProcessStartTime = pid is null ? 0 : 777,
        CreatedAt = At,
        // However recent: a session the previous run of this node updated a moment ago is lost all the same.
        UpdatedAt = DateTimeOffset.UtcNow.AddSeconds(5),
    };

    private NodeLostSweep Sweep(Func<int, long, bool>? endLeftover = null) =>
        new(HereId, HereName, endLeftover ?? ((_, _) => false), TimeSpan.FromSeconds(3));

    [Fact]
    public void Live_sessions_recorded_on_this_node_id_or_on_no_node_are_marked_lost_by_id_never_by_name_alone()
    {
        var sessions = new[]
        {
            Session("running-here", SessionStatus.Running, HereName, HereId),
            Session("starting-nowhere", SessionStatus.Starting, null),
            Session("waiting-here-before-ids", SessionStatus.WaitingForInput, HereName),
            Session("same-name-other-id", SessionStatus.Running, HereName, "id-b"),
            Session("running-elsewhere", SessionStatus.Running, "node-b", "id-b"),
            Session("completed-here", SessionStatus.Completed, HereName, HereId),
            Session("killed-nowhere", SessionStatus.Killed, null),
            Session("interrupted-here", SessionStatus.Interrupted, HereName, HereId),
        };
        var region = CreateTestProbe();
        var sweep = Sweep();

        sweep.Run(sessions, region.Ref);

        var marked = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var envelope = region.ExpectMsg<SessionCommandEnvelope>(Wait);
            var command = Assert.IsType<MarkNodeLost>(envelope.Command);
            Assert.Equal(HereId, command.NodeId);
            Assert.Equal(HereName, command.Node);
            marked.Add(envelope.SessionId);
            region.Reply(new SessionAccepted(envelope.SessionId, sessions.Single(s => s.Id == envelope.SessionId)));
        }

        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(["running-here", "starting-nowhere", "waiting-here-before-ids"], marked.Order(StringComparer.Ordinal));
        AwaitAssert(() => Assert.True(sweep.Done), Wait);
    }

    [Fact]
    public void Done_waits_until_every_session_has_answered_and_asks_again_after_a_timeout()
    {
        var region = CreateTestProbe();
        var sweep = Sweep();

        sweep.Run([Session("running-here", SessionStatus.Running, HereName, HereId)], region.Ref);

        region.ExpectMsg<SessionCommandEnvelope>(Wait); // not answered: the ask times out
        Assert.False(sweep.Done);
        var again = region.ExpectMsg<SessionCommandEnvelope>(Wait);
        Assert.False(sweep.Done);
        region.Reply(new SessionAccepted(again.SessionId, Session("running-here", SessionStatus.Failed, HereName, HereId)));
        AwaitAssert(() => Assert.True(sweep.Done), Wait);
    }

    [Fact]
    public void A_recorded_process_is_ended_as_a_leftover_before_its_session_is_marked()
    {
        var ended = new List<(int Pid, long StartTime)>();
        var region = CreateTestProbe();
        var sweep = Sweep((pid, startTime) =>
        {
            ended.Add((pid, startTime));
            return true;
        });

        sweep.Run(
            [Session("running-here", SessionStatus.Running, HereName, HereId, pid: 4242), Session("running-elsewhere", SessionStatus.Running, "node-b", "id-b", pid: 99)],
            region.Ref);

        var envelope = region.ExpectMsg<SessionCommandEnvelope>(Wait);
        Assert.Equal([(4242, 777L)], ended);
        region.Reply(new SessionAccepted(envelope.SessionId, Session("running-here", SessionStatus.Failed, HereName, HereId)));
        AwaitAssert(() => Assert.True(sweep.Done), Wait);
    }

    [Fact]
    public void Done_flips_to_true_with_nothing_to_sweep()
    {
        var region = CreateTestProbe();
        var sweep = Sweep();
        Assert.False(sweep.Done);

        sweep.Run([], region.Ref);

        AwaitAssert(() => Assert.True(sweep.Done), Wait);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
