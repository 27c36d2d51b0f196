using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>
/// One client's subscription to Akka's cluster events: the snapshot, then each member, reachability and leader
/// event, written to the client's channel. Stopping it unsubscribes and completes the channel; a channel that is
/// full (a client that stopped reading) stops it too, so a stuck client cannot hold events without end.
/// </summary>
public sealed class ClusterEventTap : ReceiveActor
{
    private readonly ChannelWriter<ClusterMemberEventDto> writer;

    public ClusterEventTap(ChannelWriter<ClusterMemberEventDto> writer)
    {
        this.writer = writer;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var e in ClusterEventView.Snapshot(state, DateTimeOffset.UtcNow))
            {
                Write(e);
            }
        });
        Receive<ClusterEvent.IClusterDomainEvent>(e =>
        {
            if (ClusterEventView.Of(e, DateTimeOffset.UtcNow) is { } dto)
            {
                Write(dto);
            }
        });
    }

    public static Props Props(ChannelWriter<ClusterMemberEventDto> writer) => Akka.Actor.Props.Create(() => new ClusterEventTap(writer));

    protected override void PreStart()
    {
        ClusterEventTaps.Get(Context.System).Opened();
        Cluster.Get(Context.System).Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.IReachabilityEvent),
            typeof(ClusterEvent.LeaderChanged));
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        writer.TryComplete();
        ClusterEventTaps.Get(Context.System).Closed();
    }

    private void Write(ClusterMemberEventDto e)
    {
        if (!writer.TryWrite(e))
        {
            writer.TryComplete(new ChannelFullException());
            Context.Stop(Self);
        }
    }

    /// <summary>The client fell more than the buffer behind.</summary>
    public sealed class ChannelFullException() : Exception("this client fell too far behind the cluster's events");
}

/// <summary>How many <see cref="ClusterEventTap"/>s are subscribed on this actor system (tests check none outlives its client).</summary>
public sealed class ClusterEventTaps : IExtension
{
    private int live;

    public int Live => Volatile.Read(ref live);

    public static ClusterEventTaps Get(ActorSystem system) => system.WithExtension<ClusterEventTaps, Provider>();

    internal void Opened() => Interlocked.Increment(ref live);

    internal void Closed() => Interlocked.Decrement(ref live);

    public sealed class Provider : ExtensionIdProvider<ClusterEventTaps>
    {
        public override ClusterEventTaps CreateExtension(ExtendedActorSystem system) => new();
    }
}
