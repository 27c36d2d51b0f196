namespace SessionCluster.Domain;

/// <summary>The session's rules as two pure functions: <see cref="Decide"/> and <see cref="Apply"/>.</summary>
public static partial class Session
{
    /// <summary>What a command does to a session: the events to persist, or why it is refused.</summary>
    public static Decision Decide(SessionState? state, SessionCommand command)
    {
        if (command is LaunchSession launch)
        {
            return state is null
                ? DecideLaunch(launch)
                : Decision.Reject(RejectionCode.AlreadyExists, $"session {state.Id} already exists");
        }

        if (state is null)
        {
            return Decision.Reject(RejectionCode.UnknownSession, "no such session");
        }

        return command switch
        {
            // Recorded even when the session has finished meanwhile: the pid is how the late process gets stopped.
            RecordProcessStarted c => Decision.Accept(new AgentProcessStarted(c.Node, c.Pid, c.At, c.NodeId, c.StartTime)),
            RecordAgentFact c => DecideFact(state, c),
            RecordAgentSessionId c => c.AgentSessionId == state.AgentSessionId || string.IsNullOrWhiteSpace(c.AgentSessionId)
                ? Decision.Accept()
                : Decision.Accept(new AgentSessionIdentified(c.AgentSessionId, c.Model, c.At)),
            RecordTurnResult c => DecideTurnResult(state, c),
            RecordProcessExit c => DecideProcessExit(state, c),
            RecordLaunchFailure c => state.IsLive
                ? Decision.Accept(new SessionFailed(FailureClassifier.LaunchFailure(state, c.Kind, c.Message, c.Node), c.At))
                : Decision.Accept(),
            RecordPermissionRequest c => DecidePermissionRequest(state, c),
            AnswerPermission c => DecideAnswerPermission(state, c),
            RecordPermissionAnswered c => state.UndeliveredPermissionAnswers.Exists(a => a.RequestId == c.RequestId)
                ? Decision.Accept(new PermissionAnswerDelivered(c.RequestId, c.At))
                : Decision.Accept(),
            // Only a running turn asks; a late one (the session was stopped meanwhile) changes nothing.
            RecordQuestion c => state.Status == SessionStatus.Running
                ? Decision.Accept(new WaitingForInput(WaitingReason.Question, c.At, c.Text))
                : Decision.Accept(),
            RecordApiRetry c => state.IsLive ? Decision.Accept(new ApiRetrying(c.Attempt, c.Message, c.At)) : Decision.Accept(),
            Respond c => DecideRespond(state, c),
            Interrupt c => Stop(state, "interrupt", new SessionInterrupted(c.At, c.Reason), SessionStatus.Interrupted),
            Kill c => Stop(state, "kill", new SessionKilled(c.At), SessionStatus.Killed),
            Resume c => DecideResume(state, c),
            Prune c => DecidePrune(state, c),
            MarkNodeLost c => state.IsLive && RanOn(state, c.NodeId, c.Node) ? DecideNodeLost(state, c) : Decision.Accept(),
            _ => Decision.Reject(RejectionCode.InvalidInput, $"unknown command {command.GetType().Name}"),
        };
    }

    /// <summary>
    /// The launch of a new session <paramref name="newId"/> that continues <paramref name="from"/>. A derived name grows
    /// with every resume: it is cut to <see cref="MaxNameChars"/>, so a long chain stays within the API's name limit.
    /// </summary>
    public static LaunchSession ResumeLaunch(SessionState from, string newId, string? prompt, DateTimeOffset at) => new(
        newId,
        Cut($"{from.Name} (resumed)", MaxNameChars),
        from.Launch with
        {
            Prompt = ResumePrompt(prompt),
            Model = from.Model,
            ResumedFrom = new ResumeLink(from.Id, from.AgentSessionId ?? string.Empty),
        },
        at);

    /// <summary>The launch <paramref name="from"/> owes for <paramref name="pending"/>: the same one each time it is asked again.</summary>
    public static LaunchSession LaunchOf(SessionState from, PendingResume pending) =>
        ResumeLaunch(from, pending.NewSessionId, pending.Prompt, pending.At);

    /// <summary>The prompt a resume starts with: the one given, or <see cref="DefaultResumePrompt"/>.</summary>
    public static string ResumePrompt(string? prompt) => string.IsNullOrWhiteSpace(prompt) ? DefaultResumePrompt : prompt;

    /// <summary>The longest session name (the API's limit, ApiLimits.MaxNameChars, which the domain cannot reference).</summary>
    public const int MaxNameChars = 200;

    /// <summary>
    /// The live sessions whose agent ran on the node with stable id <paramref name="nodeId"/>: what that node's loss
    /// fails. Only by id: a session that recorded no node id (no process reported, or recorded before ids) is left to
    /// its own node's start-up sweep.
    /// </summary>
    public static IReadOnlyList<SessionState> LostWith(IEnumerable<SessionState> sessions, string nodeId) =>
        sessions.Where(s => s.IsLive && !string.IsNullOrEmpty(s.NodeId) && s.NodeId == nodeId).ToList();

    /// <summary>
    /// Whether the session's agent runs (or was to run) on the node with this id and name: by id once the session
    /// recorded one, by name for sessions recorded before node ids, and any node for a session no process ever reported.
    /// </summary>
    public static bool RanOn(SessionState state, string nodeId, string nodeName) =>
        !string.IsNullOrEmpty(state.NodeId) ? state.NodeId == nodeId : state.Node is null || state.Node == nodeName;

    public const string DefaultResumePrompt = "Continue where you left off.";

    private static Decision DecideLaunch(LaunchSession c)
    {
        var spec = c.Spec;
        var problem =
            string.IsNullOrWhiteSpace(c.Id) ? "id is empty" :
            string.IsNullOrWhiteSpace(c.Name) ? "name is empty" :
            string.IsNullOrWhiteSpace(spec.Agent) ? "agent is empty" :
            string.IsNullOrWhiteSpace(spec.Prompt) ? "prompt is empty" :
            string.IsNullOrWhiteSpace(spec.Workdir) ? "workdir is empty" :
            spec.MaxAutoResponds < 0 ? $"maxAutoResponds is {spec.MaxAutoResponds}; it must be 0 or more" :
            !Enum.IsDefined(spec.PermissionMode) ? $"permission mode {(int)spec.PermissionMode} is not one of {string.Join(", ", WireNames.AllPermissionModes)}" :
            spec.ResumedFrom is not null && string.IsNullOrWhiteSpace(spec.ResumedFrom.AgentSessionId) ? $"session {spec.ResumedFrom.FromSessionId} has no agent session to resume" :
            null;
        return problem is not null
            ? Decision.Reject(RejectionCode.InvalidInput, problem)
            : Decision.Accept(new SessionLaunched(c.Id, c.Name, spec, c.At));
    }

    private static Decision DecideFact(SessionState state, RecordAgentFact c)
    {
        if (c.Seq <= state.LastFactSeq)
        {
            return Decision.Accept();
        }

        if (c.Fact is not (RecordProcessStarted or RecordAgentSessionId or RecordTurnResult or RecordProcessExit or RecordLaunchFailure
            or RecordPermissionRequest or RecordPermissionAnswered or RecordQuestion or RecordApiRetry))
        {
            return Decision.Reject(RejectionCode.InvalidInput, $"{c.Fact.GetType().Name} is not an agent fact");
        }

        var inner = Decide(state, c.Fact);
        return inner.Rejection is not null
            ? inner
            : Decision.Accept([.. inner.Events, new AgentFactApplied(c.Seq, c.At)]);
    }

    private static Decision DecideTurnResult(SessionState state, RecordTurnResult c)
    {
        // An error result fails the session once its process has exited, with the exit code and stderr in hand.
        if (c.IsError || state.Status != SessionStatus.Running)
        {
            return Decision.Accept();
        }

        var lastText = c.LastText is null ? null : Tail.Of(c.LastText, SessionState.LastTextChars);
        var turn = new TurnCompleted(c.TotalCostUsd, c.Usage, c.At, c.PermissionDenials, lastText);
        // A turn that has ended waits on no permission request (drivers once said so for a turn with refused tool uses).
        var reason = c.NextWaitingReason is WaitingReason.None or WaitingReason.Permission ? WaitingReason.NextTurn : c.NextWaitingReason;
        return state.MultiTurn
            ? Decision.Accept(turn, new WaitingForInput(reason, c.At, reason == WaitingReason.Question ? c.Question : null))
            : Decision.Accept(turn, new SessionCompleted(c.At));
    }

    private static Decision DecideProcessExit(SessionState state, RecordProcessExit c)
    {
        var exited = new AgentProcessExited(c.Exit.ExitCode, c.Exit.Signal, c.At);
        if (!state.IsLive)
        {
            return state.Pid is null ? Decision.Accept() : Decision.Accept(exited);
        }

        // A multi-turn agent that ends cleanly between turns has finished its work.
        var cleanEndBetweenTurns = state is { Status: SessionStatus.WaitingForInput, WaitingReason: not WaitingReason.Permission }
            && c.Exit is { ExitCode: 0, Signal: null, ObservedFailure: null };
        return cleanEndBetweenTurns
            ? Decision.Accept(exited, new SessionCompleted(c.At))
            : Decision.Accept(exited, new SessionFailed(FailureClassifier.Classify(state, c.Exit), c.At));
    }

    private static Decision DecideRespond(SessionState state, Respond c)
    {
        if (string.IsNullOrWhiteSpace(c.Message))
        {
            return Decision.Reject(RejectionCode.InvalidInput, "message is empty");
        }

        if (state.Status != SessionStatus.WaitingForInput)
        {
            return Illegal(state, "respond to", "respond when it is waiting-for-input");
        }

        if (state.PendingPermission is { } asked)
        {
            return Decision.Reject(
                RejectionCode.IllegalTransition,
                $"cannot respond to session {state.Id}: it waits on permission request {asked.RequestId} ({asked.Tool}: {asked.Summary}); " +
                $"approve or deny it first (POST /api/sessions/{state.Id}/permission, or sessionctl approve/deny {state.Id})");
        }

        if (c.Auto && state.AutoRespondCount >= state.MaxAutoResponds)
        {
            return Decision.Reject(
                RejectionCode.AutoRespondCapReached,
                $"auto-respond cap reached for session {state.Id}: {state.AutoRespondCount} of {state.MaxAutoResponds} " +
                "automatic responds used since a person last responded; a person must respond (without --auto)");
        }

        return Decision.Accept(new Responded(c.Message, c.Auto, c.At));
    }

    private static Decision DecidePermissionRequest(SessionState state, RecordPermissionRequest c)
    {
        // A request the agent already asked (pending, queued, or answered but not yet delivered) is a redelivery.
        if (IsAsked(state, c.RequestId))
        {
            return Decision.Accept();
        }

        var requested = new PermissionRequested(c.RequestId, c.Tool, c.Summary, c.At);
        // Parallel tool uses: asked while one is pending, it queues behind it (the session already waits on a permission).
        if (state.PendingPermission is not null)
        {
            return Decision.Accept(requested);
        }

        // Asked mid-turn. A request after the session stopped is left to the process: it dies with it.
        return state.Status == SessionStatus.Running
            ? Decision.Accept(requested, new WaitingForInput(WaitingReason.Permission, c.At))
            : Decision.Accept();
    }

    private static bool IsAsked(SessionState state, string requestId) =>
        state.PendingPermission?.RequestId == requestId
        || state.QueuedPermissions.Exists(q => q.RequestId == requestId)
        || state.UndeliveredPermissionAnswers.Exists(a => a.RequestId == requestId);

    private static Decision DecideAnswerPermission(SessionState state, AnswerPermission c)
    {
        var pending = state.PendingPermission;
        // The pending one by default; a queued one by its id too (a person may answer what show listed).
        var asked = pending is not null && (c.RequestId is null || c.RequestId == pending.RequestId)
            ? pending
            : state.QueuedPermissions.Find(q => q.RequestId == c.RequestId);
        if (asked is not null)
        {
            return Decision.Accept(new PermissionDecided(asked.RequestId, c.Allow, c.Message, c.Remember, c.By, c.At));
        }

        var answered = c.RequestId is null ? null : state.RecentPermissions.FindLast(d => d.RequestId == c.RequestId);
        var queued = state.QueuedPermissions.IsEmpty
            ? string.Empty
            : $" (asked after it: {string.Join(", ", state.QueuedPermissions.Select(q => q.RequestId))})";
        var reason =
            answered is not null
                ? $"request {answered.RequestId} of session {state.Id} was already answered: " +
                  $"{(answered.Allowed ? "allowed" : "denied")} by {answered.By} at {answered.DecidedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}"
                : pending is not null
                    ? $"request {c.RequestId} is not pending in session {state.Id}; the pending one is {pending.RequestId} ({pending.Tool}: {pending.Summary}){queued}"
                    : $"session {state.Id} has no pending permission request: it is {state.Status.ToWire()}" +
                      (state.WaitingReason == WaitingReason.None ? string.Empty : $" ({state.WaitingReason.ToWire()})");
        return Decision.Reject(RejectionCode.NoPendingPermission, reason);
    }

    private static Decision DecidePrune(SessionState state, Prune c) =>
        state.IsLive ? Decision.Reject(RejectionCode.IllegalTransition,
                $"cannot prune session {state.Id}: it is {state.Status.ToWire()}; interrupt or kill it first")
            : !state.UnlaunchedResumes.IsEmpty ? Decision.Reject(RejectionCode.IllegalTransition,
                $"cannot prune session {state.Id}: its resume {state.UnlaunchedResumes[0].NewSessionId} is still being launched")
            : c.Chain is { } chain && state.ResumedAs.Find(id => !chain.Contains(id)) is { } resumed ? Decision.Reject(RejectionCode.IllegalTransition,
                $"cannot prune session {state.Id}: it was resumed as {resumed}, which is not pruned with it")
            : Decision.Accept(new SessionPruned(c.At));

    /// <summary>The prompt an automatic resume after a lost node starts with.</summary>
    public const string AutoResumePrompt = "The machine that ran this session was lost mid-task. Continue where you left off.";

    /// <summary>
    /// The id of the session that resumes <paramref name="sessionId"/> automatically after its node was lost: derived
    /// from the id alone, so every node that marks the loss names the same one.
    /// </summary>
    public static string AutoResumeIdOf(string sessionId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("auto-resume:" + sessionId)))[..12];

    /// <summary>
    /// A lost node fails its live session; one launched with auto-resume whose agent began a conversation is also
    /// resumed at once as <see cref="AutoResumeIdOf"/> (the launch is owed until the new session answers).
    /// </summary>
    private static Decision DecideNodeLost(SessionState state, MarkNodeLost c)
    {
        var resumeAs = state.Launch.AutoResume && !string.IsNullOrWhiteSpace(state.AgentSessionId) ? AutoResumeIdOf(state.Id) : null;
        var failed = new SessionFailed(FailureClassifier.NodeLost(state, c.Node, resumeAs), c.At);
        return resumeAs is null
            ? Decision.Accept(failed)
            : Decision.Accept(failed, new SessionResumedAs(resumeAs, c.At, AutoResumePrompt));
    }

    private static Decision DecideResume(SessionState state, Resume c)
    {
        // A retried resume (same Idempotency-Key, so the same new id) is already recorded: nothing new happens.
        if (state.ResumedAs.Contains(c.NewSessionId))
        {
            return Decision.Accept();
        }

        if (state.IsLive)
        {
            return Illegal(state, "resume", "interrupt or kill it first, or respond to it");
        }

        if (string.IsNullOrWhiteSpace(state.AgentSessionId))
        {
            return Decision.Reject(
                RejectionCode.IllegalTransition,
                $"cannot resume session {state.Id}: its agent never started a conversation (status {state.Status.ToWire()}); launch it again");
        }

        // The new id must be new. Here only the ids this session knows can be refused (itself, the one it continues);
        // any other existing session refuses the launch (AlreadyExists), and the link is withdrawn (ResumedSessionLaunched).
        return string.IsNullOrWhiteSpace(c.NewSessionId) || c.NewSessionId == state.Id || c.NewSessionId == state.ResumedFromId
            ? Decision.Reject(RejectionCode.InvalidInput, $"'{c.NewSessionId}' cannot be the id of a new session resumed from {state.Id}")
            : Decision.Accept(new SessionResumedAs(c.NewSessionId, c.At, ResumePrompt(c.Prompt)));
    }

    /// <summary>
    /// Why the answer to the launch of resume <paramref name="newId"/> means it did not happen: null when
    /// <paramref name="answered"/> is that session, resumed from <paramref name="from"/> (just launched, or launched
    /// before: a repeated launch counts as done); <paramref name="refused"/>, or an existing session that continues
    /// something else, otherwise.
    /// </summary>
    public static Rejection? ResumeRefusal(SessionState from, string newId, SessionState? answered, Rejection? refused) =>
        answered is null
            ? refused ?? new Rejection(RejectionCode.UnknownSession, $"session {newId} did not answer its launch")
            : answered.ResumedFromId == from.Id
                ? null
                : new Rejection(
                    RejectionCode.AlreadyExists,
                    $"session {newId} already exists and is not a resume of {from.Id}; resume again without that Idempotency-Key");

    /// <summary>
    /// Records the answer to an owed resume launch (<see cref="ResumeRefusal"/> of it): launched, or refused and withdrawn.
    /// An answer for a launch no longer owed changes nothing, and an unreadable session is asked again (a newer node reads it).
    /// </summary>
    public static Decision DecideResumedLaunch(SessionState state, string newId, Rejection? refusal, DateTimeOffset at) =>
        !state.UnlaunchedResumes.Exists(p => p.NewSessionId == newId) || refusal?.Code == RejectionCode.Unreadable
            ? Decision.Accept()
            : Decision.Accept(new ResumedSessionLaunched(newId, at, refusal?.Reason));

    // Never half a surrogate pair.
    private static string Cut(string text, int chars) =>
        text.Length <= chars ? text : char.IsHighSurrogate(text[chars - 1]) ? text[..(chars - 1)] : text[..chars];

    private static Decision Stop(SessionState state, string verb, SessionEvent stopped, SessionStatus target) =>
        StatusTransitions.CanMove(state.Status, target)
            ? Decision.Accept(stopped)
            : Illegal(state, verb, "it has already finished");

    private static Decision Illegal(SessionState state, string verb, string hint) => Decision.Reject(
        RejectionCode.IllegalTransition,
        $"cannot {verb} session {state.Id}: it is {state.Status.ToWire()}; {hint}");
}
