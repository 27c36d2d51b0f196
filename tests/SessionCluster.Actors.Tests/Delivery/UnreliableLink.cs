using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Delivery;
using SessionCluster.Actors.Sessions;

namespace SessionCluster.Actors.Tests.Delivery;

/// <summary>
/// Stands between the fact producer and the shard region and misbehaves on purpose: drops the first copy of some facts,
/// sends others twice, holds others back. Everything else passes. The facts are told apart by their own number.
/// </summary>
public sealed class UnreliableLink : ReceiveActor
{
    private readonly HashSet<long> dropOnce;

    public UnreliableLink(IActorRef region, IEnumerable<long> dropOnce, IReadOnlySet<long> duplicate, IReadOnlySet<long> delay)
    {
        this.dropOnce = [.. dropOnce];
        ReceiveAny(message =>
        {
            if (message is ShardingEnvelope { Message: ConsumerController.SequencedMessage<SessionFact> sequenced } && sequenced.Message.IsMessage)
            {
                var seq = sequenced.Message.Message!.Seq;
                if (this.dropOnce.Remove(seq))
                {
                    return;
                }

                if (delay.Contains(seq))
                {
                    Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(300), region, message, Sender);
                    return;
                }

                if (duplicate.Contains(seq))
                {
                    region.Forward(message);
                }
            }

            region.Forward(message);
        });
    }

    public static Props Props(IActorRef region, IEnumerable<long>? dropOnce = null, IReadOnlySet<long>? duplicate = null, IReadOnlySet<long>? delay = null)
    {
        var drop = dropOnce ?? Array.Empty<long>();
        var twice = duplicate ?? new HashSet<long>();
        var late = delay ?? new HashSet<long>();
        return Akka.Actor.Props.Create(() => new UnreliableLink(region, drop, twice, late));
    }
}
