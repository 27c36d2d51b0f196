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
            Respond c => DecideRespond(state, c),
            Interrupt c => Stop(state, "interrupt", new SessionInterrupted(c.At, c.Reason), SessionStatus.Interrupted),
            Kill c => Stop(state, "kill", new SessionKilled(c.At), SessionStatus.Killed),
            Resume c => DecideResume(state, c),
            MarkNodeLost c => state.IsLive && RanOn(state, c.NodeId, c.Node)
                ? Decision.Accept(new SessionFailed(FailureClassifier.NodeLost(state, c.Node), c.At))
                : Decision.Accept(),
            _ => Decision.Reject(RejectionCode.InvalidInput, $"unknown command {command.GetType().Name}"),
        };
    }

    /// <summary>The launch of a new session <paramref name="newId"/> that continues <paramref name="from"/>.</summary>
    public static LaunchSession ResumeLaunch(SessionState from, string newId, string? prompt, DateTimeOffset at) => new(
        newId,
        $"{from.Name} (resumed)",
        from.Agent,
        string.IsNullOrWhiteSpace(prompt) ? DefaultResumePrompt : prompt,
        from.Workdir,
        from.Model,
        from.MultiTurn,
        from.MaxAutoResponds,
        from.Env,
        new ResumeLink(from.Id, from.AgentSessionId ?? string.Empty),
        at);

    /// <summary>
    /// Whether the session's agent runs (or was to run) on the node with this id and name: by id once the session
    /// recorded one, by name for sessions recorded before node ids, and any node for a session no process ever reported.
    /// </summary>
    public static bool RanOn(SessionState state, string nodeId, string nodeName) =>
        !string.IsNullOrEmpty(state.NodeId) ? state.NodeId == nodeId : state.Node is null || state.Node == nodeName;

    public const string DefaultResumePrompt = "Continue where you left off.";

    private static Decision DecideLaunch(LaunchSession c)
    {
        var problem =
            string.IsNullOrWhiteSpace(c.Id) ? "id is empty" :
            string.IsNullOrWhiteSpace(c.Name) ? "name is empty" :
            string.IsNullOrWhiteSpace(c.Agent) ? "agent is empty" :
            string.IsNullOrWhiteSpace(c.Prompt) ? "prompt is empty" :
            string.IsNullOrWhiteSpace(c.Workdir) ? "workdir is empty" :
            c.MaxAutoResponds < 0 ? $"maxAutoResponds is {c.MaxAutoResponds}; it must be 0 or more" :
            c.ResumedFrom is not null && string.IsNullOrWhiteSpace(c.ResumedFrom.AgentSessionId) ? $"session {c.ResumedFrom.FromSessionId} has no agent session to resume" :
            null;
        return problem is not null
            ? Decision.Reject(RejectionCode.InvalidInput, problem)
            : Decision.Accept(new SessionLaunched(
                c.Id, c.Name, c.Agent, c.Prompt, c.Workdir, c.Model, c.MultiTurn, c.MaxAutoResponds, c.Env, c.ResumedFrom, c.At));
    }

    private static Decision DecideFact(SessionState state, RecordAgentFact c)
    {
        if (c.Seq <= state.LastFactSeq)
        {
            return Decision.Accept();
        }

        if (c.Fact is not (RecordProcessStarted or RecordAgentSessionId or RecordTurnResult or RecordProcessExit or RecordLaunchFailure))
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

        var turn = new TurnCompleted(c.TotalCostUsd, c.Usage, c.At);
        return state.MultiTurn
            ? Decision.Accept(turn, new WaitingForInput(c.NextWaitingReason == WaitingReason.None ? WaitingReason.NextTurn : c.NextWaitingReason, c.At))
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
        var cleanEndBetweenTurns = state.Status == SessionStatus.WaitingForInput
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

        if (c.Auto && state.AutoRespondCount >= state.MaxAutoResponds)
        {
            return Decision.Reject(
                RejectionCode.AutoRespondCapReached,
                $"auto-respond cap reached for session {state.Id}: {state.AutoRespondCount} of {state.MaxAutoResponds} " +
                "automatic responds used since a person last responded; a person must respond (without --auto)");
        }

        return Decision.Accept(new Responded(c.Message, c.Auto, c.At));
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

        return string.IsNullOrWhiteSpace(c.NewSessionId) || c.NewSessionId == state.Id
            ? Decision.Reject(RejectionCode.InvalidInput, $"'{c.NewSessionId}' cannot be the id of a new session resumed from {state.Id}")
            : Decision.Accept(new SessionResumedAs(c.NewSessionId, c.At));
    }

    private static Decision Stop(SessionState state, string verb, SessionEvent stopped, SessionStatus target) =>
        StatusTransitions.CanMove(state.Status, target)
            ? Decision.Accept(stopped)
            : Illegal(state, verb, "it has already finished");

    private static Decision Illegal(SessionState state, string verb, string hint) => Decision.Reject(
        RejectionCode.IllegalTransition,
        $"cannot {verb} session {state.Id}: it is {state.Status.ToWire()}; {hint}");
}
