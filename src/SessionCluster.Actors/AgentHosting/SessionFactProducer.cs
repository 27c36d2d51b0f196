using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Sharding.Delivery;
using Akka.Event;
using Akka.Util;
using SessionCluster.Actors.Sessions;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// The node's one producer of agent facts: takes <see cref="SessionFact"/>s from its agent processes and hands them,
/// in order, to Akka.Delivery's <see cref="ShardingProducerController"/>, which resends each until the session entity
/// has confirmed it (after persisting). Facts wait here only while the controller has no demand; the queue is bounded.
/// </summary>
public sealed class SessionFactProducer : ReceiveActor
{
    public const string Name = "session-facts";

    private readonly Queue<SessionFact> pending = new();
    private readonly int maxPending;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private IActorRef? sendNextTo;
    private long dropped;

    public SessionFactProducer(string producerId, IActorRef sessionRegion, int maxPending)
    {
        this.maxPending = maxPending;
        var controller = Context.ActorOf(
            ShardingProducerController.Create<SessionFact>(
                producerId, sessionRegion, Option<Props>.None, ShardingProducerController.Settings.Create(Context.System)),
            "controller");
        controller.Tell(new ShardingProducerController.Start<SessionFact>(Self));

        Receive<SessionFact>(fact =>
        {
            if (pending.Count >= maxPending)
            {
                // Only a controller stuck for a long time gets here; say so loudly rather than grow without end.
                dropped++;
                log.Error("Agent fact {0} of session {1} dropped: {2} facts already wait for the session region ({3} dropped so far)",
                    fact.Seq, fact.SessionId, pending.Count, dropped);
                return;
            }

            pending.Enqueue(fact);
            SendWhenDemanded();
        });
        Receive<ShardingProducerController.RequestNext<SessionFact>>(next =>
        {
            sendNextTo = next.SendNextTo;
            SendWhenDemanded();
        });
    }

    public static Props Props(string producerId, IActorRef sessionRegion, int maxPending = 10_000) =>
        Akka.Actor.Props.Create(() => new SessionFactProducer(producerId, sessionRegion, maxPending));

    private void SendWhenDemanded()
    {
        if (sendNextTo is null || !pending.TryDequeue(out var fact))
        {
            return;
        }

        sendNextTo.Tell(new ShardingEnvelope(fact.SessionId, fact));
        sendNextTo = null;
    }
}
