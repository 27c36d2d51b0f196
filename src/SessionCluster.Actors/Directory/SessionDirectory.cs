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
/// The list-and-filter read model: every session's state, folded from the journal's tagged events
/// with the same <see cref="Session.Apply"/> the entities use. One per node; disposable, since the
/// journal is the source of truth. With a <see cref="IDirectoryProjectionStore"/> it starts from the saved
/// projection and reads only the events after its offset (each event the plugin returns costs a scan of the tag
/// table, so a full replay grows with the square of the journal), saving what changed every <c>saveEvery</c>.
/// </summary>
public sealed class SessionDirectory : ReceiveActor, IWithTimers
{
    public const string Name = "session-directory";

    private readonly Dictionary<string, SessionState> sessions = new();
    private readonly Func<Offset, Source<EventEnvelope, Akka.NotUsed>> currentEvents;
    private readonly Func<Offset, Source<EventEnvelope, Akka.NotUsed>> liveEvents;
    private readonly Action<IReadOnlyCollection<SessionState>> onCaughtUp;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly IDirectoryProjectionStore? store;
    private readonly TimeSpan saveEvery;
    private readonly HashSet<string> changed = new();
    // Pruned sessions still in the saved projection: deleted from it with the next save.
    private readonly HashSet<string> removed = new();
    private readonly List<IActorRef> waitingForList = new();
    private Offset offset = Offset.NoOffset();
    private long savedOffset;
    private bool saving;
    // The save in flight, so a stop can wait for it before saving the rest (null when none).
    private (Task Save, IReadOnlyList<string> Ids, IReadOnlyList<string> Removed)? inFlight;
    private bool caughtUp;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="onCaughtUp">Called once, on this actor's thread, when the journal has been read to its end.</param>
    /// <param name="store">Where the projection is kept between runs; null reads the whole journal at every start.</param>
    /// <param name="saveEvery">How often what changed is saved to <paramref name="store"/>.</param>
    public SessionDirectory(
        IEventsByTagQuery live,
        ICurrentEventsByTagQuery current,
        Action<IReadOnlyCollection<SessionState>> onCaughtUp,
        IDirectoryProjectionStore? store = null,
        TimeSpan? saveEvery = null)
    {
        currentEvents = from => current.CurrentEventsByTag(SessionRegion.Tag, from);
        liveEvents = from => live.EventsByTag(SessionRegion.Tag, from);
        this.onCaughtUp = onCaughtUp;
        this.store = store;
        this.saveEvery = saveEvery ?? DefaultSaveEvery;

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
                log.Info("Session directory: {0} session(s), read to offset {1}", sessions.Count, OffsetValue);
                this.onCaughtUp(sessions.Values);
                waitingForList.ForEach(waiting => waiting.Tell(SessionListReady.Instance));
                waitingForList.Clear();
                SaveChanges();
                if (store is not null)
                {
                    Timers.StartPeriodicTimer(nameof(SaveProjection), SaveProjection.Instance, this.saveEvery);
                }
            }

            Self.Tell(FollowJournal.Instance);
        });
        Receive<CaughtUp>(_ => Self.Tell(new StreamEnded(null)));
        Receive<FollowJournal>(_ => Follow());
        Receive<ListSessions>(query => Sender.Tell(query.Answer(sessions.Values)));
        Receive<GetResumeChain>(query => Sender.Tell(query.Answer(sessions)));
        Receive<WhenSessionListReady>(_ =>
        {
            if (caughtUp)
            {
                Sender.Tell(SessionListReady.Instance);
            }
            else
            {
                waitingForList.Add(Sender);
            }
        });
        Receive<ForgetSessions>(forget =>
        {
            foreach (var id in forget.Ids)
            {
                Forget(id);
            }

            SaveChanges();
        });
        Receive<SaveProjection>(_ => SaveChanges());
        Receive<ProjectionSaved>(saved =>
        {
            saving = false;
            inFlight = null;
            if (saved.Failure is null)
            {
                savedOffset = saved.Offset;
                return;
            }

            // Saved again at the next tick: the journal still has every event, so nothing is lost meanwhile.
            log.Warning(saved.Failure, "Saving the session directory's projection failed; trying again in {0}", this.saveEvery);
            changed.UnionWith(saved.Ids.Where(sessions.ContainsKey));
            removed.UnionWith(saved.Removed.Where(id => !sessions.ContainsKey(id)));
        });
    }

    /// <summary>How often the directory saves what changed, when it has a store.</summary>
    public static readonly TimeSpan DefaultSaveEvery = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StopSaveWait = TimeSpan.FromSeconds(5);

    public static Props Props(IEventsByTagQuery live, ICurrentEventsByTagQuery current, Action<IReadOnlyCollection<SessionState>> onCaughtUp) =>
        Akka.Actor.Props.Create(() => new SessionDirectory(live, current, onCaughtUp, null, null));

    /// <summary>A directory that starts from the projection saved in <paramref name="store"/> and keeps it up to date.</summary>
    public static Props Props(
        IEventsByTagQuery live,
        ICurrentEventsByTagQuery current,
        Action<IReadOnlyCollection<SessionState>> onCaughtUp,
        IDirectoryProjectionStore store,
        TimeSpan saveEvery) =>
        Akka.Actor.Props.Create(() => new SessionDirectory(live, current, onCaughtUp, store, saveEvery));

    protected override void PreStart()
    {
        if (StartFromProjection())
        {
            // Nothing after the projection: caught up now; the live query picks up whatever is written from here.
            Self.Tell(CaughtUp.Instance);
            return;
        }

        Follow();
    }

    protected override void PostStop()
    {
        // Best effort: what is not saved here is read from the journal at the next start. A save in flight is waited
        // for first: saving beside it could let its older states and offset land last.
        if (inFlight is { } pending && !Finished(pending.Save))
        {
            return;
        }

        if (inFlight is { } failed && failed.Save.IsFaulted)
        {
            changed.UnionWith(failed.Ids.Where(sessions.ContainsKey));
            removed.UnionWith(failed.Removed.Where(id => !sessions.ContainsKey(id)));
        }

        if (store is not null && caughtUp && (changed.Count > 0 || removed.Count > 0 || OffsetValue > savedOffset))
        {
            try
            {
                store.Save(changed.Select(id => sessions[id]).ToList(), OffsetValue, removed);
            }
            catch (Exception e)
            {
                log.Warning(e, "Saving the session directory's projection at stop failed");
            }
        }
    }

    private static bool Finished(Task save)
    {
        try
        {
            return save.Wait(StopSaveWait);
        }
        catch (AggregateException)
        {
            return true; // failed: finished
        }
    }

    private long OffsetValue => offset is Sequence sequence ? sequence.Value : 0;

    /// <summary>Loads the saved projection when there is one; true when the journal holds nothing after it.</summary>
    private bool StartFromProjection()
    {
        if (store is null)
        {
            return false;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (store.Load() is { } projection)
            {
                foreach (var session in projection.Sessions)
                {
                    sessions[session.Id] = session;
                }

                offset = new Sequence(projection.Offset);
                savedOffset = projection.Offset;
                log.Info("Session directory: {0} session(s) from the saved projection in {1} ms, reading the journal after offset {2}",
                    sessions.Count, clock.ElapsedMilliseconds, projection.Offset);
                return projection.JournalEnd <= projection.Offset;
            }

            log.Info("Session directory: no usable saved projection; reading the whole journal");
            store.Clear();
        }
        catch (Exception e)
        {
            // The journal has everything: a store that cannot be read costs a full read, never a wrong list.
            log.Warning(e, "Session directory: the saved projection could not be read; reading the whole journal");
            sessions.Clear();
        }

        offset = Offset.NoOffset();
        savedOffset = 0;
        return false;
    }

    /// <summary>Saves the sessions changed since the last save and the offset, off this actor's thread; one save at a time.</summary>
    private void SaveChanges()
    {
        if (store is null || saving || (changed.Count == 0 && removed.Count == 0 && OffsetValue <= savedOffset))
        {
            return;
        }

        var ids = changed.ToList();
        var states = ids.Select(id => sessions[id]).ToList();
        var gone = removed.ToList();
        var at = OffsetValue;
        changed.Clear();
        removed.Clear();
        saving = true;
        var self = Self;
        var target = store;
        var save = Task.Run(() => target.Save(states, at, gone));
        inFlight = (save, ids, gone);
        save.ContinueWith(task => self.Tell(new ProjectionSaved(at, ids, gone, task.Exception?.GetBaseException())), TaskScheduler.Default);
    }

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
        if (@event is SessionPruned)
        {
            Forget(id); // the tombstone: on this node ForgetSessions usually said it first, on others this is how they learn
            return;
        }

        sessions.TryGetValue(id, out var state);
        try
        {
            sessions[id] = Session.Apply(state, @event);
            changed.Add(id);
        }
        catch (InvalidOperationException ex)
        {
            // A session whose first events were deleted: it cannot be listed, but it must not stop the others.
            log.Warning(ex, "Session {0} cannot be projected", id);
        }
    }

    private void Forget(string id)
    {
        sessions.Remove(id);
        changed.Remove(id);
        removed.Add(id);
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

    private sealed record ProjectionSaved(long Offset, IReadOnlyList<string> Ids, IReadOnlyList<string> Removed, Exception? Failure);

    private sealed record CaughtUp
    {
        public static readonly CaughtUp Instance = new();
    }

    private sealed record SaveProjection
    {
        public static readonly SaveProjection Instance = new();
    }

    private sealed record FollowJournal
    {
        public static readonly FollowJournal Instance = new();
    }
}
