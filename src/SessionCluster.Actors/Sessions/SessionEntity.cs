using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Agents;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Sessions;

/// <summary>
/// One session, event-sourced and sharded. A thin shell over <see cref="Session.Decide"/> and
/// <see cref="Session.Apply"/>: it holds no OS resource (the agent process belongs to an
/// <see cref="AgentHost"/>), so sharding may move it freely.
/// </summary>
public sealed class SessionEntity : ReceivePersistentActor
{
    private static readonly string[] Tags = [SessionRegion.Tag];

    private readonly string sessionId;
    private readonly IActorRef agentHost;
    private readonly SessionEntitySettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private SessionState? state;
    private int eventsSinceSnapshot;

    public SessionEntity(string sessionId, IActorRef agentHost, SessionEntitySettings settings)
    {
        this.sessionId = sessionId;
        this.agentHost = agentHost;
        this.settings = settings;

        Recover<SnapshotOffer>(offer => state = (SessionState)offer.Snapshot);
        Recover<SessionEvent>(e =>
        {
            state = Session.Apply(state, e);
            eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ => PassivateWhenFinished());

        Command<SessionCommandEnvelope>(envelope => Handle(envelope.Command));
        Command<GetSession>(_ => Sender.Tell(Reply()));
        Command<ReceiveTimeout>(_ =>
        {
            // A timeout may have been queued before the last command made the session live again.
            if (state is null or { IsFinished: true })
            {
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            }
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(failure => log.Warning(failure.Cause, "Snapshot of session {0} failed", sessionId));
    }

    public override string PersistenceId => SessionRegion.PersistenceIdOf(sessionId);

    public static Props Props(string sessionId, IActorRef agentHost, SessionEntitySettings settings) =>
        Akka.Actor.Props.Create(() => new SessionEntity(sessionId, agentHost, settings));

    private void Handle(SessionCommand command)
    {
        var decision = Session.Decide(state, command);
        if (decision.Rejection is { } rejection)
        {
            Sender.Tell(new SessionRejected(sessionId, rejection));
            return;
        }

        if (decision.Events.Count == 0)
        {
            Sender.Tell(Reply());
            return;
        }

        var replyTo = Sender;
        var last = decision.Events[^1];
        PersistAll(decision.Events.Select(e => new Tagged(e, Tags)), tagged =>
        {
            var @event = (SessionEvent)tagged.Payload;
            state = Session.Apply(state, @event);
            eventsSinceSnapshot++;
            Act(@event);
            if (ReferenceEquals(@event, last))
            {
                replyTo.Tell(Reply());
                SnapshotWhenDue();
                PassivateWhenFinished();
            }
        });
    }

    private SessionReply Reply() => state is null
        ? new SessionRejected(sessionId, new Rejection(RejectionCode.UnknownSession, $"no session {sessionId}"))
        : new SessionAccepted(sessionId, state);

    /// <summary>What the node must do once an event is safely in the journal.</summary>
    private void Act(SessionEvent @event)
    {
        switch (@event)
        {
            case SessionLaunched launched:
                agentHost.Tell(new StartAgent(sessionId, launched.Agent, new AgentLaunchRequest(
                    sessionId,
                    launched.Prompt,
                    launched.Workdir,
                    launched.Model,
                    launched.MultiTurn,
                    launched.Env,
                    launched.ResumedFrom?.AgentSessionId)));
                break;
            case Responded responded:
                agentHost.Tell(new SendInput(sessionId, responded.Message));
                break;
            case SessionInterrupted:
                agentHost.Tell(new StopAgent(sessionId, StopMode.Interrupt));
                break;
            case SessionKilled:
                agentHost.Tell(new StopAgent(sessionId, StopMode.Kill));
                break;
        }
    }

    private void SnapshotWhenDue()
    {
        // Counted, not LastSequenceNr % N: a batch of several events may step over the multiple.
        if (state is not null && eventsSinceSnapshot >= settings.SnapshotEvery)
        {
            SaveSnapshot(state);
            eventsSinceSnapshot = 0;
        }
    }

    private void PassivateWhenFinished()
    {
        // A live session stays in memory however long it waits; a finished (or unknown) one leaves when idle.
        Context.SetReceiveTimeout(state is null or { IsFinished: true } ? settings.PassivateWhenFinishedAfter : null);
    }
}
