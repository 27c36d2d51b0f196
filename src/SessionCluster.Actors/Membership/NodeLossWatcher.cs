using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using AkkaCluster = Akka.Cluster.Cluster;
using ClusterEvent = Akka.Cluster.ClusterEvent;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// Node loss decided by cluster membership: when a member is removed (it left, or the split brain resolver downed it)
/// and no member with its node id is up (it did not come back), every live session the directory says ran on it is
/// marked node-lost by a <see cref="NodeLostMarker"/>, which asks until each answers. Each surviving node does this;
/// <see cref="MarkNodeLost"/> is a no-op for a session already finished or running elsewhere, so the repeats change
/// nothing. A node that restarts sweeps its own sessions itself
/// (NodeLostSweep), before it serves.
/// </summary>
public sealed class NodeLossWatcher : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    public const string Name = "node-loss";

    private static readonly IReadOnlySet<SessionStatus> Live = new HashSet<SessionStatus>
    {
        SessionStatus.Starting, SessionStatus.Running, SessionStatus.WaitingForInput,
    };

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter log = Context.GetLogger();

    public NodeLossWatcher(IActorRef directory, IActorRef sessions, string selfNodeId, TimeSpan askTimeout)
    {
        var cluster = AkkaCluster.Get(Context.System);
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var lost = NodeRoles.NodeIdOf(removed.Member);
            if (lost is null || lost == selfNodeId
                || cluster.State.Members.Any(m => m.Status == MemberStatus.Up && NodeRoles.NodeIdOf(m) == lost))
            {
                return;
            }

            log.Warning("Node {0} ({1}) left the cluster; marking its live sessions node-lost", removed.Member.Address, lost);
            Self.Tell(new ListLost(lost));
        });
        Receive<ListLost>(list =>
            directory.Ask<SessionList>(new ListSessions(Live, null), askTimeout)
                .PipeTo(Self, success: found => new LostSessions(list.NodeId, Session.LostWith(found.Sessions, list.NodeId)), failure: e => new ListFailed(list, e)));
        Receive<LostSessions>(lost =>
            Context.ActorOf(NodeLostMarker.Props(sessions, lost.NodeId, lost.Sessions, askTimeout, RetryDelay)));
        Receive<ListFailed>(failed =>
        {
            log.Warning(failed.Cause, "Could not list the sessions of lost node {0}; trying again", failed.List.NodeId);
            Timers.StartSingleTimer(failed.List.NodeId, failed.List, RetryDelay);
        });
    }

    public static Props Props(IActorRef directory, IActorRef sessions, string selfNodeId, TimeSpan askTimeout) =>
        Akka.Actor.Props.Create(() => new NodeLossWatcher(directory, sessions, selfNodeId, askTimeout));

    protected override void PreStart() =>
        AkkaCluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => AkkaCluster.Get(Context.System).Unsubscribe(Self);

    private sealed record ListLost(string NodeId);

    private sealed record ListFailed(ListLost List, Exception Cause);

    private sealed record LostSessions(string NodeId, IReadOnlyList<SessionState> Sessions);
}
