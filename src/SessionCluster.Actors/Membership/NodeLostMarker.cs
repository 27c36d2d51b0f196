using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// Marks the live sessions of one lost node node-lost and asks each again until it answers, then stops. A told
/// command could be lost: right after the member is removed, the sharding region may still route the session's
/// shard to the lost node's region, and the message goes to dead letters. <see cref="MarkNodeLost"/> is idempotent,
/// so asking again (or another survivor marking too) changes nothing once one has been persisted.
/// </summary>
public sealed class NodeLostMarker : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly HashSet<string> unanswered;

    public NodeLostMarker(IActorRef sessions, string nodeId, IReadOnlyList<SessionState> lost, TimeSpan askTimeout, TimeSpan retryDelay)
    {
        unanswered = lost.Select(s => s.Id).ToHashSet();
        var nodeNames = lost.ToDictionary(s => s.Id, s => s.Node ?? "?");

        Receive<Mark>(mark =>
            sessions.Ask<SessionReply>(
                    new SessionCommandEnvelope(mark.SessionId, new MarkNodeLost(nodeNames[mark.SessionId], DateTimeOffset.UtcNow, nodeId)),
                    askTimeout)
                .PipeTo(Self, success: _ => new Marked(mark.SessionId), failure: e => new Unanswered(mark, e)));
        Receive<Marked>(marked =>
        {
            unanswered.Remove(marked.SessionId);
            if (unanswered.Count == 0)
            {
                log.Info("Marked {0} session(s) of lost node {1} node-lost", lost.Count, nodeId);
                Context.Stop(Self);
            }
        });
        Receive<Unanswered>(failed =>
        {
            log.Warning("Session {0} did not answer its node-lost mark (attempt {1}: {2}); asking again", failed.Mark.SessionId, failed.Mark.Attempt, failed.Cause.Message);
            Timers.StartSingleTimer(failed.Mark.SessionId, failed.Mark with { Attempt = failed.Mark.Attempt + 1 }, retryDelay);
        });

        foreach (var id in unanswered)
        {
            Self.Tell(new Mark(id, 1));
        }

        if (unanswered.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    public static Props Props(IActorRef sessions, string nodeId, IReadOnlyList<SessionState> lost, TimeSpan askTimeout, TimeSpan retryDelay) =>
        Akka.Actor.Props.Create(() => new NodeLostMarker(sessions, nodeId, lost, askTimeout, retryDelay));

    private sealed record Mark(string SessionId, int Attempt);

    private sealed record Marked(string SessionId);

    private sealed record Unanswered(Mark Mark, Exception Cause);
}
