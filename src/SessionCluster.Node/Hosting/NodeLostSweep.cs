using Akka.Actor;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// At start, fails every session the journal says was live on this node before it started: its
/// process died with the previous run of the node. Nothing stays "running" forever.
/// </summary>
public sealed class NodeLostSweep(string nodeName, DateTimeOffset nodeStartedAt)
{
    private volatile bool done;

    public bool Done => done;

    public void Run(IReadOnlyCollection<SessionState> sessions, IActorRef sessionRegion)
    {
        foreach (var session in sessions.Where(IsLostHere))
        {
            sessionRegion.Tell(new SessionCommandEnvelope(session.Id, new MarkNodeLost(nodeName, DateTimeOffset.UtcNow)));
        }

        done = true;
    }

    private bool IsLostHere(SessionState session) =>
        session.IsLive && (session.Node is null || session.Node == nodeName) && session.UpdatedAt < nodeStartedAt;
}
