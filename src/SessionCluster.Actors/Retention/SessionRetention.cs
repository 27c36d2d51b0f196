using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Retention;

/// <summary>
/// Removes finished sessions that retention selects (<see cref="Domain.Retention.Select"/> over the session directory):
/// in the background every <see cref="RetentionSettings.Interval"/> once the list is complete, and on demand
/// (<see cref="PruneSessions"/>). One session at a time, each a <see cref="Prune"/> to its entity (which deletes its
/// journal and snapshots, and refuses when live), then its node-local data (<c>eraseLocal</c>: event log, codex home)
/// and its place in the directory. One run at a time: a run holds the mailbox until it is done. Nothing is judged before
/// the directory has read the whole journal: an on-demand run waits for it.
/// </summary>
public sealed class SessionRetention : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public const string Name = "session-retention";

    /// <summary>After this many sessions a run pauses for <see cref="BatchPause"/>.</summary>
    public const int BatchSize = 20;

    /// <summary>How long a run pauses between batches (pruning 10,000 back to back held most of a core for over a minute).</summary>
    public static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(100);

    private readonly IActorRef directory;
    private readonly IActorRef sessions;
    private readonly RetentionSettings settings;
    private readonly Action<string> eraseLocal;
    private readonly TimeSpan askTimeout;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private bool listReady;

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <param name="directory">The node's <see cref="SessionDirectory"/>.</param>
    /// <param name="sessions">The session shard region.</param>
    /// <param name="eraseLocal">Deletes what this node keeps of a pruned session outside the journal.</param>
    public SessionRetention(IActorRef directory, IActorRef sessions, RetentionSettings settings, Action<string> eraseLocal, TimeSpan askTimeout)
    {
        this.directory = directory;
        this.sessions = sessions;
        this.settings = settings;
        this.eraseLocal = eraseLocal;
        this.askTimeout = askTimeout;

        Receive<SessionListReady>(_ =>
        {
            if (listReady)
            {
                return;
            }

            listReady = true;
            Stash.UnstashAll();
            if (settings.Interval > TimeSpan.Zero)
            {
                Self.Tell(RunRetention.Instance);
                Timers.StartPeriodicTimer(nameof(RunRetention), RunRetention.Instance, settings.Interval);
            }
        });
        ReceiveAsync<RunRetention>(async _ =>
        {
            try
            {
                var report = await Run(this.settings.Policy, dryRun: false);
                if (report.Pruned.Count > 0 || report.Refused.Count > 0)
                {
                    log.Info("Retention pruned {0} finished session(s); {1} refused", report.Pruned.Count, report.Refused.Count);
                }
            }
            catch (Exception e)
            {
                log.Warning(e, "Retention could not run; trying again in {0}", this.settings.Interval);
            }
        });
        // Judged on a partial list, a run could prune a session whose live resume is not read yet.
        Receive<PruneSessions>(_ => !listReady, _ => Stash.Stash());
        ReceiveAsync<PruneSessions>(async prune =>
        {
            var asker = Sender;

            try
            {
                asker.Tell(await Run(prune.Policy, prune.DryRun));
            }
            catch (Exception e)
            {
                asker.Tell(new Status.Failure(e));
            }
        });
    }

    protected override void PreStart() => directory.Tell(WhenSessionListReady.Instance);

    public static Props Props(IActorRef directory, IActorRef sessions, RetentionSettings settings, Action<string> eraseLocal, TimeSpan askTimeout) =>
        Akka.Actor.Props.Create(() => new SessionRetention(directory, sessions, settings, eraseLocal, askTimeout));

    private async Task<PruneReport> Run(RetentionPolicy policy, bool dryRun)
    {
        var now = DateTimeOffset.UtcNow;
        var list = await directory.Ask<SessionList>(new ListSessions(new HashSet<SessionStatus>(), null), askTimeout);
        var selected = Domain.Retention.Select(list.Sessions, now, policy);
        if (dryRun)
        {
            return new PruneReport(true, selected, []);
        }

        var pruned = new List<PruneCandidate>();
        var refused = new List<PruneRefusal>();
        foreach (var candidate in selected)
        {
            if (pruned.Count > 0 && pruned.Count % BatchSize == 0)
            {
                // A backlog (a node that was off for weeks) is worked off in the background, not in one burst.
                await Task.Delay(BatchPause);
            }

            var id = candidate.Session.Id;
            var reply = await sessions.Ask<SessionReply>(new SessionCommandEnvelope(id, new Prune(now, candidate.Chain)), askTimeout);
            if (reply is SessionRejected { Rejection.Code: not RejectionCode.UnknownSession } rejected)
            {
                refused.Add(new PruneRefusal(id, rejected.Rejection.Reason));
                continue;
            }

            // Accepted, or unknown: gone already (a run that stopped midway); what else is kept of it goes now.
            try
            {
                eraseLocal(id);
            }
            catch (Exception e)
            {
                log.Warning(e, "Deleting the event log or agent home of pruned session {0} failed", id);
            }

            directory.Tell(new ForgetSessions([id]));
            pruned.Add(candidate);
        }

        return new PruneReport(false, pruned, refused);
    }

    private sealed record RunRetention
    {
        public static readonly RunRetention Instance = new();
    }
}
