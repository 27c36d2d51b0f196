using Akka.Actor;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;
using ClusterEvent = Akka.Cluster.ClusterEvent;
using MemberStatus = Akka.Cluster.MemberStatus;
using UniqueAddress = Akka.Cluster.UniqueAddress;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// On a node that keeps its sessions in SQLite (a local file no other node can read), downs any other node that
/// joins it, and says why. The node's start-up check refuses seeds naming other nodes, but a node that is its own seed
/// still accepts joiners; Akka.NET has no join-time config check, so this refuses them once they are members.
/// </summary>
public sealed class SingleNodeGuard : ReceiveActor
{
    public const string Name = "single-node-guard";

    private readonly ILoggingAdapter log = Context.GetLogger();

    /// <summary>Who was downed already: a joiner shows up as joining, then maybe up, and is logged once.</summary>
    private readonly HashSet<UniqueAddress> downed = [];

    public SingleNodeGuard(UniqueAddress self, Action<Address> down)
    {
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (SingleNode.IsJoiner(e.Member.UniqueAddress, e.Member.Status, self) && downed.Add(e.Member.UniqueAddress))
            {
                log.Error(SingleNode.Refusal(e.Member.Address));
                down(e.Member.Address);
            }
        });
    }

    /// <summary>The guard of the node <paramref name="cluster"/> runs, which downs joiners through it.</summary>
    public static Props Props(AkkaCluster cluster) => Props(cluster.SelfUniqueAddress, cluster.Down);

    public static Props Props(UniqueAddress self, Action<Address> down) =>
        Akka.Actor.Props.Create(() => new SingleNodeGuard(self, down));

    protected override void PreStart() => AkkaCluster.Get(Context.System).Subscribe(
        Self,
        ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberJoined), typeof(ClusterEvent.MemberWeaklyUp), typeof(ClusterEvent.MemberUp));

    protected override void PostStop() => AkkaCluster.Get(Context.System).Unsubscribe(Self);
}
