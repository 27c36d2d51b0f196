using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Sharding.Delivery;
using Akka.Delivery;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Serialization;
using SessionCluster.Agents;
using SessionCluster.Actors.Notifications;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Sessions;

/// <summary>
/// One session, event-sourced and sharded. A thin shell over <see cref="Session.Decide"/> and
/// <see cref="Session.Apply"/>: it holds no OS resource (the agent process belongs to an
/// <see cref="AgentHost"/>), so sharding may move it freely.
/// </summary>
/// <remarks>
/// <para>Facts from the agent host arrive as Akka.Delivery <see cref="ConsumerController.Delivery{T}"/>s and are
/// confirmed once persisted; their sequence number, kept in the state, makes a redelivery a no-op.</para>
/// <para>What the session needs from the host (<see cref="Session.ObligationOf"/>: start the agent, stop a process that
/// is still recorded alive, deliver a permission answer) is asked for when it arises and asked again on a timer, after recovery too, until the
/// state shows it done.</para>
/// <para>A resume is one command to the session resumed: it records <see cref="SessionResumedAs"/>, then launches the new
/// session through the shard region (<see cref="Session.LaunchOf"/>) and answers the resume with the new session's reply.
/// Like an obligation, the launch is asked again on the timer, after recovery too, until the new session answers; the
/// answer is journaled (<see cref="ResumedSessionLaunched"/>).</para>
/// <para>The pending permission request (the oldest unanswered; the others queue behind it) has a timer (<see cref="SessionEntitySettings.PermissionTimeout"/>, from the request's
/// journaled time, so recovery keeps the deadline) that denies it when nobody answered.</para>
/// </remarks>
public sealed class SessionEntity : ReceivePersistentActor, IWithTimers
{
    private static readonly string[] Tags = [SessionRegion.Tag];

    // The notifier reads the journal by its own tag, so it never reads the other events.
    private static readonly string[] NotificationTags = [SessionRegion.Tag, NotificationDispatcher.Tag];

    private readonly string sessionId;
    private readonly AgentHosts agentHosts;
    private readonly IActorRef sessions;
    private readonly SessionEntitySettings settings;
    private readonly IActorRef? consumerController;
    private readonly IActorRef? notifier;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private SessionState? state;
    private int eventsSinceSnapshot;
    private UnreadableJournal? unreadable;
    private string? timedRequestId;
    // The journal ends with SessionPruned: the session is gone, and its deletion is (re)done at recovery.
    private bool pruned;

    // Who waits for the answer of each resume's new session, by new id: the resume's askers, and whether each one's
    // command recorded the resume (a retry with the same new id did not).
    private readonly Dictionary<string, List<(IActorRef Asker, bool Recorded)>> resumeAskers = new(StringComparer.Ordinal);

    /// <param name="sessions">Where other sessions are reached: the session shard region (a resume launches its new session there).</param>
    /// <param name="consumerController">The Akka.Delivery consumer controller facts arrive through (the entity's parent under sharding); null when none.</param>
    /// <param name="notifier">The node's <see cref="NotificationDispatcher"/>, told each notification once persisted (the fast path); null when none.</param>
    /// <param name="agentHosts">How the agent host of the session's recorded node is reached, and where a launch is placed.</param>
    public SessionEntity(string sessionId, AgentHosts agentHosts, IActorRef sessions, SessionEntitySettings settings, IActorRef? consumerController, IActorRef? notifier = null)
    {
        this.notifier = notifier;
        this.sessionId = sessionId;
        this.agentHosts = agentHosts;
        this.sessions = sessions;
        this.settings = settings;
        this.consumerController = consumerController;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is UnreadableEvent snapshot)
            {
                unreadable = new UnreadableJournal($"snapshot at event #{offer.Metadata.SequenceNr}", snapshot);
                return;
            }

            state = (SessionState)offer.Snapshot;
        });
        Recover<UnreadableEvent>(e => unreadable ??= new UnreadableJournal($"event #{LastSequenceNr}", e));
        Recover<SessionEvent>(Recovered);
        // The SQL journal stores tags beside the event; an in-memory journal (the test kit's) replays the wrapper.
        Recover<Tagged>(tagged => Recovered((SessionEvent)tagged.Payload));
        Recover<RecoveryCompleted>(_ =>
        {
            if (pruned)
            {
                Erase(null, null);
                return;
            }

            if (unreadable is not null)
            {
                RefuseEverything(unreadable);
                return;
            }

            PassivateWhenFinished();
            // Not at once: the message that woke this entity (the start-up sweep's, say) is decided first.
            KeepAsking(Obligation());
            KeepLaunchingResumes();
            TimePendingPermission();
        });

        Command<ConsumerController.Delivery<SessionFact>>(delivery =>
        {
            var fact = delivery.Message;
            Handle(new RecordAgentFact(fact.Seq, fact.Fact, fact.Fact.At), replyTo: null, confirmTo: delivery.ConfirmTo);
        });
        Command<SessionCommandEnvelope>(envelope =>
        {
            if (envelope.Command is Resume resume)
            {
                HandleResume(resume, Sender);
                return;
            }

            if (envelope.Command is Prune prune)
            {
                HandlePrune(prune, Sender);
                return;
            }

            if (envelope.Command is LaunchSession { Placement: null } launch && agentHosts.Placement is { } placement
                && Session.Decide(state, launch).IsAccepted)
            {
                Place(launch, placement, Sender);
                return;
            }

            if (envelope.Command is MarkNodeLost)
            {
                // An auto-resume is launched at once, not on the next round of owed launches.
                Act(Session.Decide(state, envelope.Command), Sender, null, then: LaunchOwedResumes);
                return;
            }

            Handle(envelope.Command, Sender, confirmTo: null);
        });
        // The replies of sessions this one resumed as, to their launch (or to the GetSession after AlreadyExists).
        Command<SessionAccepted>(answer => answer.SessionId != sessionId, answer => ResumeAnswered(answer.SessionId, answer.State, null));
        Command<SessionRejected>(answer => answer.SessionId != sessionId, answer =>
        {
            if (answer.Rejection.Code == RejectionCode.AlreadyExists)
            {
                // Launched before (this session asked again, or another node did): it counts when it is this resume.
                sessions.Tell(new GetSession(answer.SessionId));
                return;
            }

            ResumeAnswered(answer.SessionId, null, answer.Rejection);
        });
        Command<LaunchResumesAgain>(_ => LaunchOwedResumes());
        Command<GetSession>(_ => Sender.Tell(Reply()));
        Command<AgentNotRunning>(_ =>
        {
            // The host has no such process (and ended any leftover): the recorded one is gone.
            if (state?.Pid is not null)
            {
                Handle(new RecordProcessExit(new AgentExit(null, null, string.Empty, string.Empty, null, null), DateTimeOffset.UtcNow), null, null);
            }
        });
        Command<AskAgentHostAgain>(_ => Perform(Obligation()));
        Command<PermissionTimedOut>(timedOut =>
            Handle(AnswerPermission.TimedOut(timedOut.RequestId, settings.PermissionTimeoutOrDefault, DateTimeOffset.UtcNow), null, null));
        Command<ReceiveTimeout>(_ =>
        {
            // A timeout may have been queued before the last command made the session live again.
            if (state is null or { IsFinished: true, UnlaunchedResumes.IsEmpty: true })
            {
                Passivate();
            }
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(failure => log.Warning(failure.Cause, "Snapshot of session {0} failed", sessionId));
    }

    public override string PersistenceId => SessionRegion.PersistenceIdOf(sessionId);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        string sessionId, AgentHosts agentHosts, IActorRef sessions, SessionEntitySettings settings, IActorRef? consumerController = null, IActorRef? notifier = null) =>
        Akka.Actor.Props.Create(() => new SessionEntity(sessionId, agentHosts, sessions, settings, consumerController, notifier));

    /// <summary>A session whose agent always runs on <paramref name="agentHost"/>, with no placement (a single node, tests).</summary>
    public static Props Props(
        string sessionId, IActorRef agentHost, IActorRef sessions, SessionEntitySettings settings, IActorRef? consumerController = null, IActorRef? notifier = null) =>
        Props(sessionId, AgentHosts.Only(agentHost), sessions, settings, consumerController, notifier);

    /// <summary>
    /// What the shard runs for a session: Akka.Delivery's consumer controller, with the entity as its child. Commands
    /// other than facts (HTTP, the sweep) bypass the controller to reach the entity.
    /// </summary>
    public static Props Sharded(
        string sessionId, AgentHosts agentHosts, IActorRef sessions, SessionEntitySettings settings, ActorSystem system, IActorRef? notifier = null) =>
        ShardingConsumerController.Create<SessionFact>(
            consumerController => Props(sessionId, agentHosts, sessions, settings, consumerController, notifier),
            ShardingConsumerController.Settings.Create(system) with { AllowBypass = true });

    protected override void PreStart()
    {
        base.PreStart();
        consumerController?.Tell(new ConsumerController.Start<SessionFact>(Self));
    }

    private void Recovered(SessionEvent @event)
    {
        if (unreadable is not null)
        {
            return; // the state already misses an event: folding more onto it would only mislead
        }

        if (@event is SessionPruned)
        {
            state = null;
            pruned = true;
            return;
        }

        state = Session.Apply(state, @event);
        eventsSinceSnapshot++;
    }

    private void Handle(SessionCommand command, IActorRef? replyTo, IActorRef? confirmTo) =>
        Act(Session.Decide(state, command), replyTo, confirmTo);

    /// <summary>
    /// A launch not yet placed: the node's <see cref="AgentPlacement"/> picks the agent host (and reserves a slot there),
    /// then the launch is decided with it, so the session records its node before its agent starts. Everything else waits.
    /// </summary>
    private void Place(LaunchSession launch, IActorRef placement, IActorRef asker)
    {
        var spec = launch.Spec;
        placement.Ask<PlacementAnswer>(new PlaceSession(sessionId, spec.Agent, spec.Workdir, spec.Node), settings.PlaceWithin)
            .PipeTo(Self, success: answer => new Placed(answer), failure: e => new Placed(new PlacementRefused(new Rejection(
                RejectionCode.Unavailable, $"placing session {sessionId} took longer than {settings.PlaceWithin.TotalSeconds:0.#} s; try again"))));
        BecomeStacked(() =>
        {
            Command<Placed>(placed =>
            {
                UnbecomeStacked();
                Stash.UnstashAll();
                if (placed.Answer is SessionPlaced { Placement: var host })
                {
                    Handle(launch with { Placement = host }, asker, null);
                }
                else
                {
                    asker.Tell(new SessionRejected(sessionId, ((PlacementRefused)placed.Answer).Rejection));
                }
            });
            var stashed = 0;
            CommandAny(message =>
            {
                if (stashed < settings.StashWhilePlacing)
                {
                    stashed++;
                    Stash.Stash();
                }
                else if (message is SessionCommandEnvelope)
                {
                    Sender.Tell(new SessionRejected(sessionId, new Rejection(
                        RejectionCode.Unavailable, $"session {sessionId} is being placed and has {stashed} commands waiting; try again")));
                }
                else
                {
                    Unhandled(message);
                }
            });
        });
    }

    /// <summary>
    /// Records the resume (a retry with the same new id records nothing), then launches the new session; the resume is
    /// answered with the new session's reply when it comes (<see cref="ResumeAnswered"/>): the new session, to the
    /// command that recorded it; AlreadyExists to a retry, as a repeated launch is answered, so the retry is told apart.
    /// </summary>
    private void HandleResume(Resume resume, IActorRef asker)
    {
        var decision = Session.Decide(state, resume);
        if (decision.Rejection is not null)
        {
            Act(decision, asker, null);
            return;
        }

        if (!resumeAskers.TryGetValue(resume.NewSessionId, out var askers))
        {
            resumeAskers[resume.NewSessionId] = askers = [];
        }

        askers.Add((asker, decision.Events.Count > 0));
        Act(decision, null, null, then: () => LaunchResumed(resume.NewSessionId));
    }

    /// <summary>
    /// Retention removes the session: the tombstone (<see cref="SessionPruned"/>) is persisted first, so a crash midway
    /// is finished at the next recovery; then <see cref="Erase"/>. The asker gets the session as it was when pruned.
    /// </summary>
    private void HandlePrune(Prune prune, IActorRef asker)
    {
        var decision = Session.Decide(state, prune);
        if (decision.Rejection is not null)
        {
            Act(decision, asker, null);
            return;
        }

        var last = state!;
        Persist(new Tagged(decision.Events[0], Tags), _ =>
        {
            log.Info("Session {SessionId} ({SessionName}, {Agent}): {FromStatus} -> pruned on node {Node}",
                last.Id, last.Name, last.Agent, last.Status.ToWire(), last.Node ?? "-");
            Erase(last, asker);
        });
    }

    /// <summary>
    /// Deletes the journal (Akka.Persistence.Sql keeps only the last row, the tombstone, marked deleted, for its sequence
    /// number; the tag rows go too) and every snapshot, then leaves memory. Meanwhile the session answers as unknown.
    /// </summary>
    private void Erase(SessionState? last, IActorRef? asker)
    {
        state = null;
        pruned = true;
        Timers.CancelAll();
        Context.SetReceiveTimeout(null);
        void Failed(Exception cause, string what)
        {
            // The tombstone stays: the next recovery of this id deletes again.
            log.Warning(cause, "Deleting the {0} of pruned session {1} failed; retried at its next recovery", what, sessionId);
            asker?.Tell(new SessionRejected(sessionId, new Rejection(RejectionCode.IllegalTransition,
                $"session {sessionId} is pruned, but deleting its {what} failed ({cause.Message}); it is retried")));
            Passivate();
        }

        Become(() =>
        {
            Command<DeleteMessagesSuccess>(_ => DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue)));
            Command<DeleteMessagesFailure>(failure => Failed(failure.Cause, "journal"));
            Command<DeleteSnapshotsSuccess>(_ =>
            {
                asker?.Tell(last is null ? Reply() : new SessionAccepted(sessionId, last));
                Passivate();
            });
            Command<DeleteSnapshotsFailure>(failure => Failed(failure.Cause, "snapshots"));
            Command<ConsumerController.Delivery<SessionFact>>(delivery => delivery.ConfirmTo.Tell(ConsumerController.Confirmed.Instance));
            Command<SessionCommandEnvelope>(_ => Sender.Tell(Reply()));
            Command<GetSession>(_ => Sender.Tell(Reply()));
            CommandAny(_ => { }); // the host's answers, timers: nothing is left to act on
        });
        DeleteMessages(LastSequenceNr);
    }

    private void LaunchOwedResumes() => state?.UnlaunchedResumes.ForEach(pending => LaunchResumed(pending.NewSessionId));

    /// <summary>Launches the resumed session while the launch is owed; asks for it once launched (for a retried resume's answer).</summary>
    private void LaunchResumed(string newId)
    {
        var pending = state?.UnlaunchedResumes.Find(p => p.NewSessionId == newId);
        sessions.Tell(pending is null ? new GetSession(newId) : new SessionCommandEnvelope(newId, Session.LaunchOf(state!, pending)));
    }

    /// <summary>The new session <paramref name="newId"/> answered: record whether the resume's launch is done, then answer its askers.</summary>
    private void ResumeAnswered(string newId, SessionState? answered, Rejection? rejected)
    {
        if (state is null)
        {
            return;
        }

        var refusal = Session.ResumeRefusal(state, newId, answered, rejected);
        SessionReply reply = refusal is null ? new SessionAccepted(newId, answered!) : new SessionRejected(newId, refusal);
        if (refusal is not null)
        {
            log.Warning("Session {0} could not launch its resume {1}: {2}", sessionId, newId, refusal.Reason);
        }

        Act(Session.DecideResumedLaunch(state, newId, refusal, DateTimeOffset.UtcNow), null, null, then: () =>
        {
            if (resumeAskers.Remove(newId, out var askers))
            {
                var retried = reply is SessionAccepted
                    ? new SessionRejected(newId, new Rejection(RejectionCode.AlreadyExists, $"session {sessionId} already resumed as {newId}"))
                    : reply;
                askers.ForEach(a => a.Asker.Tell(a.Recorded ? reply : retried));
            }
        });
    }

    /// <summary>Persists the decision's events, applies them, answers, and acts on what the session now owes; then <paramref name="then"/>.</summary>
    private void Act(Decision decision, IActorRef? replyTo, IActorRef? confirmTo, Action? then = null)
    {
        if (decision.Rejection is { } rejection)
        {
            if (confirmTo is not null)
            {
                // A fact that cannot apply (no such session) must not hold back the ones after it.
                log.Warning("Agent fact for session {0} refused: {1}", sessionId, rejection.Reason);
            }

            Done(replyTo, confirmTo, new SessionRejected(sessionId, rejection));
            return;
        }

        if (decision.Events.Count == 0)
        {
            Done(replyTo, confirmTo, Reply());
            then?.Invoke();
            return;
        }

        var before = Obligation();
        // Each notification is journaled with the event that raised it, in one write: the journal is the outbox.
        var events = NotificationRules.WithNotifications(state, decision.Events, settings.NotificationKinds);
        var last = events[^1];
        PersistAll(events.Select(e => new Tagged(e, e is NotificationRaised ? NotificationTags : Tags)), tagged =>
        {
            var @event = (SessionEvent)tagged.Payload;
            var from = state?.Status;
            state = Session.Apply(state, @event);
            if (@event is NotificationRaised raised)
            {
                notifier?.Tell(new NotificationPersisted(Notification.IdOf(sessionId, LastSequenceNr), raised.Notification));
            }

            eventsSinceSnapshot++;
            if (from != state.Status)
            {
                LogTransition(from, state);
            }

            if (@event is Responded responded)
            {
                TellAgentHost(new SendInput(sessionId, responded.Message));
            }

            if (ReferenceEquals(@event, last))
            {
                Done(replyTo, confirmTo, Reply());
                var now = Obligation();
                // A new answer is asked for at once, also when others are still on their way (the obligation stays).
                if (now != before || decision.Events.Any(e => e is PermissionDecided))
                {
                    Perform(now);
                }

                KeepAsking(now);
                KeepLaunchingResumes();
                TimePendingPermission();
                SnapshotWhenDue();
                PassivateWhenFinished();
                then?.Invoke();
            }
        });
    }

    /// <summary>One structured line per status change, as it is persisted: who and what, never the prompt or the env.</summary>
    private void LogTransition(SessionStatus? from, SessionState now) =>
        log.Info(
            "Session {SessionId} ({SessionName}, {Agent}): {FromStatus} -> {ToStatus} on node {Node}",
            now.Id,
            now.Name,
            now.Agent,
            from?.ToWire() ?? "new",
            now.Status.ToWire(),
            now.NodeId is { Length: > 0 } nodeId ? $"{now.Node} ({nodeId})" : now.Node ?? "-");

    private static void Done(IActorRef? replyTo, IActorRef? confirmTo, SessionReply reply)
    {
        replyTo?.Tell(reply);
        confirmTo?.Tell(ConsumerController.Confirmed.Instance);
    }

    private SessionReply Reply() => state is null
        ? new SessionRejected(sessionId, new Rejection(RejectionCode.UnknownSession, $"no session {sessionId}"))
        : new SessionAccepted(sessionId, state);

    private AgentObligation Obligation() => state is null ? AgentObligation.None : Session.ObligationOf(state);

    /// <summary>Asks the agent host for what the session still needs of it.</summary>
    private void Perform(AgentObligation obligation)
    {
        switch (obligation)
        {
            case AgentObligation.Start:
                TellAgentHost(new StartAgent(sessionId, state!.Agent, new AgentLaunchRequest(sessionId, state.Launch)));
                break;
            case AgentObligation.Interrupt or AgentObligation.Kill:
                var mode = obligation == AgentObligation.Kill ? StopMode.Kill : StopMode.Interrupt;
                TellAgentHost(new StopAgent(sessionId, mode, state!.Pid, state.ProcessStartTime));
                break;
            case AgentObligation.AnswerPermission:
                // Every undelivered answer, each time: the host writes a request's answer to the agent once.
                foreach (var answer in state!.UndeliveredPermissionAnswers)
                {
                    TellAgentHost(new AnswerAgentPermission(sessionId, answer.RequestId, answer.Allow, answer.Message, answer.Remember));
                }

                break;
        }
    }

    /// <summary>
    /// To the agent host of the node the session records, wherever this entity runs. A node that is no member now
    /// gets nothing: the obligation is asked again on the timer, and the node's loss marks the session.
    /// </summary>
    private void TellAgentHost(object message)
    {
        if (agentHosts.Of(state?.NodeId) is { } host)
        {
            host.Tell(message, Self);
        }
        else
        {
            log.Warning("Session {0}: node {1} ({2}) is not in the cluster; {3} not sent", sessionId, state?.Node, state?.NodeId, message.GetType().Name);
        }
    }

    /// <summary>
    /// One timer for the pending permission request, due at its request time plus the timeout (at once when that has
    /// passed, as after a long recovery, or for a queued request that waited that long before it became pending); it
    /// denies the request as "timeout". Re-armed when another request becomes pending; cancelled once nothing is pending.
    /// </summary>
    private void TimePendingPermission()
    {
        var pending = state?.PendingPermission;
        if (pending is null)
        {
            timedRequestId = null;
            Timers.Cancel(nameof(PermissionTimedOut));
            return;
        }

        if (timedRequestId == pending.RequestId && Timers.IsTimerActive(nameof(PermissionTimedOut)))
        {
            return;
        }

        timedRequestId = pending.RequestId;
        var due = pending.RequestedAt + settings.PermissionTimeoutOrDefault - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer(nameof(PermissionTimedOut), new PermissionTimedOut(pending.RequestId), due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private void KeepAsking(AgentObligation obligation)
    {
        if (obligation == AgentObligation.None)
        {
            Timers.Cancel(nameof(AskAgentHostAgain));
        }
        else if (!Timers.IsTimerActive(nameof(AskAgentHostAgain)))
        {
            Timers.StartPeriodicTimer(nameof(AskAgentHostAgain), AskAgentHostAgain.Instance, settings.AskAgentHostAgainAfter);
        }
    }

    /// <summary>Asks the resumed sessions again for their launch, on the obligations' interval, while any is owed.</summary>
    private void KeepLaunchingResumes()
    {
        if (state is null or { UnlaunchedResumes.IsEmpty: true })
        {
            Timers.Cancel(nameof(LaunchResumesAgain));
        }
        else if (!Timers.IsTimerActive(nameof(LaunchResumesAgain)))
        {
            Timers.StartPeriodicTimer(nameof(LaunchResumesAgain), LaunchResumesAgain.Instance, settings.AskAgentHostAgainAfter);
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
        // A live session stays in memory however long it waits; a finished (or unknown) one leaves when idle, once it
        // owes no resume a launch.
        Context.SetReceiveTimeout(state is null or { IsFinished: true, UnlaunchedResumes.IsEmpty: true } ? settings.PassivateWhenFinishedAfter : null);
    }

    private void Passivate()
    {
        // Under sharding with reliable delivery the shard's entity is the consumer controller (this actor's parent):
        // it is the one to passivate, and the shard knows it by the sender.
        if (consumerController is null)
        {
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
        else
        {
            Context.ActorSelection(Context.Parent.Path.Parent).Tell(new Passivate(PoisonPill.Instance), Context.Parent);
        }
    }

    /// <summary>
    /// The journal holds what this node cannot read. The session is refused whole rather than decided on a state that
    /// misses events: nothing is persisted and nothing asked of the agent host until a node that can read it recovers it.
    /// </summary>
    private void RefuseEverything(UnreadableJournal bad)
    {
        var reason = $"session {sessionId} cannot be read on this node: its {bad.Where} has manifest '{bad.Event.Manifest}' " +
                     $"({bad.Event.Problem}). A newer version of SessionCluster probably wrote it: upgrade this node to that version " +
                     "to read the session. Until then the session refuses every command and changes nothing.";
        var refused = new SessionRejected(sessionId, new Rejection(RejectionCode.Unreadable, reason));
        log.Warning("Session {0} ({1}) is unreadable: {2} has manifest '{3}': {4}",
            sessionId, PersistenceId, bad.Where, bad.Event.Manifest, bad.Event.Problem);

        Become(() =>
        {
            Command<SessionCommandEnvelope>(_ => Sender.Tell(refused));
            Command<GetSession>(_ => Sender.Tell(refused));
            Command<ConsumerController.Delivery<SessionFact>>(delivery =>
            {
                // Confirmed though dropped, as a refused fact is: an unconfirmed one would hold back the producer's others.
                log.Warning("Agent fact {0} for unreadable session {1} dropped", delivery.Message.Seq, sessionId);
                delivery.ConfirmTo.Tell(ConsumerController.Confirmed.Instance);
            });
            Command<ReceiveTimeout>(_ => Passivate());
            CommandAny(_ => { }); // the host's answers, timers: nothing to act on
        });
        Context.SetReceiveTimeout(settings.PassivateWhenFinishedAfter);
    }

    /// <param name="Where">"event #7", or "snapshot at event #12".</param>
    private sealed record UnreadableJournal(string Where, UnreadableEvent Event);

    private sealed record PermissionTimedOut(string RequestId);

    private sealed record Placed(PlacementAnswer Answer);

    private sealed record LaunchResumesAgain
    {
        public static readonly LaunchResumesAgain Instance = new();
    }

    private sealed record AskAgentHostAgain
    {
        public static readonly AskAgentHostAgain Instance = new();
    }
}
