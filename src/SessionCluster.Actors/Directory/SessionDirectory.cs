using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// The list-and-filter read model: every session's state, rebuilt from the journal's tagged events
/// with the same <see cref="Session.Apply"/> the entities use. One per node; disposable, since the
/// journal is the source of truth.
/// </summary>
public sealed class SessionDirectory : ReceiveActor, IWithTimers
{
    public const string Name = "session-directory";

    private readonly Dictionary<string, SessionState> sessions = new();
    private readonly Func<Offset, Source<EventEnvelope, Akka.NotUsed>> currentEvents;
    private readonly Func<Offset, Source<EventEnvelope, Akka.NotUsed>> liveEvents;
    private readonly Action<IReadOnlyCollection<SessionState>> onCaughtUp;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private Offset offset = Offset.NoOffset();
    private bool caughtUp;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="onCaughtUp">Called once, on this actor's thread, when the journal has been read to its end.</param>
    public SessionDirectory(IEventsByTagQuery live, ICurrentEventsByTagQuery current, Action<IReadOnlyCollection<SessionState>> onCaughtUp)
    {
        currentEvents = from => current.CurrentEventsByTag(SessionRegion.Tag, from);
        liveEvents = from => live.EventsByTag(SessionRegion.Tag, from);
        this.onCaughtUp = onCaughtUp;

        Receive<EventEnvelope>(Project);
        Receive<StreamEnded>(ended =>
        {
            if (ended.Failure is not null)
            {
                log.Warning(ended.Failure, "Reading the session journal failed; retrying in 1 s");
                Timers.StartSingleTimer(nameof(FollowJournal), FollowJournal.Instance, TimeSpan.FromSeconds(1));
                return;
            }

            if (!caughtUp)
            {
                caughtUp = true;
                this.onCaughtUp(sessions.Values);
            }

            Self.Tell(FollowJournal.Instance);
        });
        Receive<FollowJournal>(_ => Follow());
        Receive<ListSessions>(query => Sender.Tell(query.Answer(sessions.Values)));
        Receive<GetResumeChain>(query => Sender.Tell(query.Answer(sessions)));
    }

    public static Props Props(IEventsByTagQuery live, ICurrentEventsByTagQuery current, Action<IReadOnlyCollection<SessionState>> onCaughtUp) =>
        Akka.Actor.Props.Create(() => new SessionDirectory(live, current, onCaughtUp));

    protected override void PreStart() => Follow();

    private void Project(EventEnvelope envelope)
    {
        offset = envelope.Offset;
        if (envelope.Event is UnreadableEvent unreadable)
        {
            // Skipped, so one session a newer node wrote cannot stall the list; its entity names the event on GET.
            log.Warning("Skipped event {0} of {1}: it cannot be read (manifest '{2}'): {3}",
                envelope.SequenceNr, envelope.PersistenceId, unreadable.Manifest, unreadable.Problem);
            return;
        }

        if (envelope.Event is not SessionEvent @event)
        {
            return;
        }

        var id = envelope.PersistenceId["session-".Length..];
        sessions.TryGetValue(id, out var state);
        try
        {
            sessions[id] = Session.Apply(state, @event);
        }
        catch (InvalidOperationException ex)
        {
            // A session whose first events were deleted: it cannot be listed, but it must not stop the others.
            log.Warning(ex, "Session {0} cannot be projected", id);
        }
    }

    /// <summary>Reads the journal to its current end first (so callers can tell when the view is complete), then follows it live.</summary>
    private void Follow()
    {
        var self = Self;
        var source = caughtUp ? liveEvents(offset) : currentEvents(offset);
        source
            .RunForeach(envelope => self.Tell(envelope), Context.System.Materializer())
            .ContinueWith(task => self.Tell(new StreamEnded(task.Exception?.GetBaseException())), TaskScheduler.Default);
    }

    private sealed record StreamEnded(Exception? Failure);

    private sealed record FollowJournal
    {
        public static readonly FollowJournal Instance = new();
    }
}
