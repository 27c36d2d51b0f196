using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Membership;

namespace SessionCluster.Actors.Tests.Membership;

/// <summary>
/// A node's graceful leave, with a probe as its agent host (answering every drain with the sessions <see cref="live"/>
/// names) and a probe told when the node leaves.
/// </summary>
public sealed class GracefulLeaveTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(100);

    private readonly TestProbe host;
    private readonly TestProbe left;
    private volatile string[] live = [];
    private int drains;

    public GracefulLeaveTests()
    {
        host = CreateTestProbe();
        left = CreateTestProbe();
        host.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is DrainAgentHost)
            {
                Interlocked.Increment(ref drains);
                sender.Tell(new AgentHostDraining(live));
            }

            return AutoPilot.KeepRunning;
        }));
    }

    private IActorRef Start(TimeSpan drainTimeout) =>
        Sys.ActorOf(GracefulLeave.Props(host.Ref, drainTimeout, CheckEvery, () => left.Ref.Tell("left")));

    [Fact]
    public void A_node_without_live_sessions_drains_and_leaves_at_once()
    {
        var leave = Start(TimeSpan.FromMinutes(10));

        leave.Tell(LeaveGracefully.Instance, TestActor);

        var answer = ExpectMsg<LeavingGracefully>(Wait);
        Assert.Empty(answer.LiveSessionIds);
        Assert.InRange(answer.LeavesBy, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(10));
        left.ExpectMsg("left", Wait);
    }

    [Fact]
    public void A_node_with_live_sessions_leaves_once_the_last_has_ended_and_only_once()
    {
        live = ["s-1", "s-2"];
        var leave = Start(TimeSpan.FromMinutes(10));

        leave.Tell(LeaveGracefully.Instance, TestActor);
        var first = ExpectMsg<LeavingGracefully>(Wait);
        Assert.Equal(["s-1", "s-2"], first.LiveSessionIds);
        AwaitCondition(() => Volatile.Read(ref drains) >= 3, Wait); // asked again and again while sessions are live
        left.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Asked again: the answer names who is left, with the same deadline.
        live = ["s-2"];
        leave.Tell(LeaveGracefully.Instance, TestActor);
        var again = ExpectMsg<LeavingGracefully>(Wait);
        Assert.Equal(["s-2"], again.LiveSessionIds);
        Assert.Equal(first.LeavesBy, again.LeavesBy);
        left.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        live = [];
        left.ExpectMsg("left", Wait);

        // Done: the checks stop and the node does not leave twice.
        var after = Volatile.Read(ref drains);
        left.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.InRange(Volatile.Read(ref drains), after, after + 1); // at most one check already on its way
    }

    [Fact]
    public void Sessions_still_live_at_the_drain_timeout_do_not_hold_the_node_back()
    {
        live = ["s-1"];
        var leave = Start(TimeSpan.FromMilliseconds(500));

        leave.Tell(LeaveGracefully.Instance, TestActor);

        Assert.Equal(["s-1"], ExpectMsg<LeavingGracefully>(Wait).LiveSessionIds);
        left.ExpectMsg("left", Wait);
    }
}
