using Akka.Actor;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>Answers every message with "echo:" and the message: proof that a peer's message arrived.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(message => Sender.Tell($"echo:{message}"));

    public static Props Props() => Akka.Actor.Props.Create(() => new EchoActor());
}
