using Akka.Actor;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Answers every message with "echo:" and the message, to its sender or to <c>observer</c> when given: proof
/// that a peer's message arrived, seen from the peer or from the receiving node.
/// </summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor(IActorRef? observer) => ReceiveAny(message => (observer ?? Sender).Tell($"echo:{message}"));

    public static Props Props(IActorRef? observer = null) => Akka.Actor.Props.Create(() => new EchoActor(observer));
}
