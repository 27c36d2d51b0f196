using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Membership;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Tests.Membership;

/// <summary>
/// The marker of a lost node's sessions, with a probe as the session region: a session that does not answer (its mark
/// went to a region that still routed it to the lost node) is asked again until it does; the marker stops once every
/// session has answered.
/// </summary>
public sealed class NodeLostMarkerTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    private static SessionState Live(string id) => new()
    {
        Id = id,
        Name = id,
        Launch = new LaunchSpec("claude", "go", "/tmp", null, true, 0, ImmutableSortedDictionary<string, string>.Empty),
        Status = SessionStatus.WaitingForInput,
        Node = "node-b",
        NodeId = "id-b",
    };

    private static SessionReply Answer(string id) => new SessionAccepted(id, Live(id));

    [Fact]
    public void Each_session_is_marked_with_the_lost_node_and_the_marker_stops_once_all_answered()
    {
        var region = CreateTestProbe();
        var marker = Watch(Sys.ActorOf(NodeLostMarker.Props(region.Ref, "id-b", [Live("s1"), Live("s2")], AskTimeout, RetryDelay)));

        var marks = new[] { region.ExpectMsg<SessionCommandEnvelope>(Wait), region.ExpectMsg<SessionCommandEnvelope>(Wait) };
        Assert.Equal(["s1", "s2"], marks.Select(m => m.SessionId).Order());
        Assert.All(marks, m =>
        {
            var mark = Assert.IsType<MarkNodeLost>(m.Command);
            Assert.Equal(("node-b", "id-b"), (mark.Node, mark.NodeId));
        });
        region.Reply(Answer(marks[1].SessionId));

        // The first one is not answered: the marker does not stop; it asks that session again once its ask times out.
        var again = region.ExpectMsg<SessionCommandEnvelope>(Wait);
        Assert.Equal(marks[0].SessionId, again.SessionId);
        region.Reply(Answer(again.SessionId));

        ExpectTerminated(marker, Wait);
        region.ExpectNoMsg(AskTimeout + RetryDelay + RetryDelay);
    }

    [Fact]
    public void A_session_that_never_answers_is_asked_again_and_again()
    {
        var region = CreateTestProbe();
        var marker = Watch(Sys.ActorOf(NodeLostMarker.Props(region.Ref, "id-b", [Live("s1")], AskTimeout, RetryDelay)));

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal("s1", region.ExpectMsg<SessionCommandEnvelope>(Wait).SessionId);
        }

        region.Reply(Answer("s1"));
        ExpectTerminated(marker, Wait);
    }

    [Fact]
    public void No_lost_session_stops_at_once()
    {
        var region = CreateTestProbe();

        ExpectTerminated(Watch(Sys.ActorOf(NodeLostMarker.Props(region.Ref, "id-b", [], AskTimeout, RetryDelay))), Wait);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
