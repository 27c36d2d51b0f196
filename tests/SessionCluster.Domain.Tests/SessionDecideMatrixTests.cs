namespace SessionCluster.Domain.Tests;

/// <summary>Every command against a session in every status, driven there by real events.</summary>
public class SessionDecideMatrixTests
{
    private const string None = "none";
    private const string Illegal = "reject:IllegalTransition";

    /// <summary>The commands, each with fixed arguments.</summary>
    public static SessionCommand Make(string name, DateTimeOffset at) => name switch
    {
        "launch" => SessionDriver.LaunchCommand(at: at),
        "process-started" => new RecordProcessStarted("node-b", 5151, at),
        "fact" => new RecordAgentFact(1, new RecordProcessStarted("node-b", 5151, at), at),
        "agent-session-id" => new RecordAgentSessionId("conv-2", "opus", at),
        "turn-result" => SessionDriver.TurnResult(at),
        "turn-error" => SessionDriver.TurnResult(at, isError: true),
        "exit-0" => new RecordProcessExit(SessionDriver.Exit(0), at),
        "exit-1" => new RecordProcessExit(SessionDriver.Exit(1), at),
        "exit-signal" => new RecordProcessExit(SessionDriver.Exit(null, signal: 9), at),
        "launch-failure" => new RecordLaunchFailure(ErrorKind.BadWorkdir, "no such directory", "node-a", at),
        "respond" => new Respond("go on", false, at),
        "respond-auto" => new Respond("go on", true, at),
        "interrupt" => new Interrupt(at),
        "kill" => new Kill(at),
        "resume" => new Resume("s-2", at),
        "prune" => new Prune(at),
        "node-lost" => new MarkNodeLost(SessionDriver.Node, at),
        "node-lost-other" => new MarkNodeLost("node-z", at),
        "permission-request" => new RecordPermissionRequest("req-1", "Bash", "touch x", at),
        "answer-permission" => new AnswerPermission(null, true, null, false, AnswerPermission.ByApi, at),
        "permission-answered" => new RecordPermissionAnswered("req-1", at),
        "question" => new RecordQuestion("Which branch?", at),
        "api-retry" => new RecordApiRetry(1, "HTTP 529", at),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>
    /// Expected outcome per command, in status order: starting, running, waiting-for-input, completed, failed,
    /// killed, interrupted. "Event+Event => status" (status after applying), "none" (accepted, no events,
    /// nothing changes) or "reject:Code".
    /// Completed (multi-turn: clean exit) and failed (exit 1) have no process left; killed and interrupted do.
    /// </summary>
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["launch"] = Repeat("reject:AlreadyExists"),
        ["process-started"] =
        [
            "AgentProcessStarted => running", "AgentProcessStarted => running",
            "AgentProcessStarted => waiting-for-input",
            // A process that starts after its session finished is recorded, so it can be stopped.
            "AgentProcessStarted => completed", "AgentProcessStarted => failed",
            "AgentProcessStarted => killed", "AgentProcessStarted => interrupted",
        ],
        // The driver's sessions have applied no numbered fact yet, so fact 1 applies (see AgentFactTests for redeliveries).
        ["fact"] =
        [
            "AgentProcessStarted+AgentFactApplied => running", "AgentProcessStarted+AgentFactApplied => running",
            "AgentProcessStarted+AgentFactApplied => waiting-for-input", "AgentProcessStarted+AgentFactApplied => completed",
            "AgentProcessStarted+AgentFactApplied => failed", "AgentProcessStarted+AgentFactApplied => killed",
            "AgentProcessStarted+AgentFactApplied => interrupted",
        ],
        ["agent-session-id"] =
        [
            "AgentSessionIdentified => starting", "AgentSessionIdentified => running",
            "AgentSessionIdentified => waiting-for-input", "AgentSessionIdentified => completed",
            "AgentSessionIdentified => failed", "AgentSessionIdentified => killed",
            "AgentSessionIdentified => interrupted",
        ],
        ["turn-result"] = [None, "TurnCompleted+WaitingForInput => waiting-for-input", None, None, None, None, None],
        ["turn-error"] = Repeat(None),
        ["exit-0"] =
        [
            "AgentProcessExited+SessionFailed => failed", "AgentProcessExited+SessionFailed => failed",
            "AgentProcessExited+SessionCompleted => completed", None, None,
            "AgentProcessExited => killed", "AgentProcessExited => interrupted",
        ],
        ["exit-1"] =
        [
            "AgentProcessExited+SessionFailed => failed", "AgentProcessExited+SessionFailed => failed",
            "AgentProcessExited+SessionFailed => failed", None, None,
            "AgentProcessExited => killed", "AgentProcessExited => interrupted",
        ],
        ["exit-signal"] =
        [
            "AgentProcessExited+SessionFailed => failed", "AgentProcessExited+SessionFailed => failed",
            "AgentProcessExited+SessionFailed => failed", None, None,
            "AgentProcessExited => killed", "AgentProcessExited => interrupted",
        ],
        ["launch-failure"] =
            ["SessionFailed => failed", "SessionFailed => failed", "SessionFailed => failed", None, None, None, None],
        ["respond"] = [Illegal, Illegal, "Responded => running", Illegal, Illegal, Illegal, Illegal],
        ["respond-auto"] = [Illegal, Illegal, "Responded => running", Illegal, Illegal, Illegal, Illegal],
        ["interrupt"] =
        [
            "SessionInterrupted => interrupted", "SessionInterrupted => interrupted",
            "SessionInterrupted => interrupted", Illegal, Illegal, Illegal, Illegal,
        ],
        ["kill"] =
            ["SessionKilled => killed", "SessionKilled => killed", "SessionKilled => killed", Illegal, Illegal, Illegal, Illegal],
        ["resume"] =
        [
            Illegal, Illegal, Illegal, "SessionResumedAs => completed", "SessionResumedAs => failed",
            "SessionResumedAs => killed", "SessionResumedAs => interrupted",
        ],
        // Retention removes only finished sessions; the shells forget the session once the tombstone is persisted.
        ["prune"] =
        [
            Illegal, Illegal, Illegal, "SessionPruned => completed", "SessionPruned => failed",
            "SessionPruned => killed", "SessionPruned => interrupted",
        ],
        // Starting has no node yet: a lost node may have been the one starting it.
        ["node-lost"] = ["SessionFailed => failed", "SessionFailed => failed", "SessionFailed => failed", None, None, None, None],
        ["node-lost-other"] = ["SessionFailed => failed", None, None, None, None, None, None],
        // Only a running turn asks; none of the driver's sessions has a request pending (see PermissionTests).
        ["permission-request"] = [None, "PermissionRequested+WaitingForInput => waiting-for-input", None, None, None, None, None],
        ["answer-permission"] = Repeat("reject:NoPendingPermission"),
        ["permission-answered"] = Repeat(None),
        ["question"] = [None, "WaitingForInput => waiting-for-input", None, None, None, None, None],
        ["api-retry"] = ["ApiRetrying => starting", "ApiRetrying => running", "ApiRetrying => waiting-for-input", None, None, None, None],
    };

    private static string[] Repeat(string outcome) => Enumerable.Repeat(outcome, 7).ToArray();

    public static TheoryData<string, SessionStatus, string> Cases()
    {
        var data = new TheoryData<string, SessionStatus, string>();
        foreach (var (command, outcomes) in Expected)
        {
            foreach (var status in SessionDriver.AllStatuses)
            {
                data.Add(command, status, outcomes[(int)status]);
            }
        }

        return data;
    }

    public static TheoryData<string> CommandNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_matrix_covers_every_command_type_and_every_status()
    {
        var covered = Expected.Keys.Select(name => Make(name, SessionDriver.T0).GetType()).ToHashSet();
        var all = typeof(SessionCommand).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(SessionCommand)) && !t.IsAbstract)
            .ToHashSet();
        Assert.True(all.SetEquals(covered), $"not covered: {string.Join(", ", all.Except(covered).Select(t => t.Name))}");
        Assert.All(Expected.Values, outcomes => Assert.Equal(7, outcomes.Length));
        Assert.Equal(7 * Expected.Count, Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_gives_the_expected_outcome(string command, SessionStatus status, string expected)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;
        var historyBefore = driver.History.Count;

        var decision = driver.Send(at => Make(command, at));

        if (expected.StartsWith("reject:", StringComparison.Ordinal))
        {
            Assert.False(decision.IsAccepted);
            Assert.Empty(decision.Events);
            var rejection = Assert.IsType<Rejection>(decision.Rejection);
            Assert.Equal(Enum.Parse<RejectionCode>(expected["reject:".Length..]), rejection.Code);
            Assert.Contains(SessionDriver.Id, rejection.Reason);
            if (rejection.Code == RejectionCode.IllegalTransition)
            {
                Assert.Contains($"it is {status.ToWire()}", rejection.Reason);
            }

            Assert.Same(before, driver.S);
            return;
        }

        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        Assert.Null(decision.Rejection);
        if (expected == None)
        {
            Assert.Empty(decision.Events);
            Assert.Same(before, driver.S);
            Assert.Equal(historyBefore, driver.History.Count);
            return;
        }

        var parts = expected.Split(" => ");
        Assert.Equal(parts[0].Split('+'), decision.Events.Select(e => e.GetType().Name));
        Assert.All(decision.Events, e => Assert.Equal(driver.Now, e.At));
        Assert.Equal(parts[1], driver.S.Status.ToWire());
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_never_makes_a_move_the_table_refuses(string command, SessionStatus status, string expected)
    {
        _ = expected;
        var driver = SessionDriver.In(status);
        var decision = Session.Decide(driver.S, Make(command, driver.Tick()));

        var state = driver.S;
        foreach (var @event in decision.Events)
        {
            var next = Session.Apply(state, @event);
            Assert.True(
                next.Status == state.Status || StatusTransitions.CanMove(state.Status, next.Status),
                $"{command}: {@event.GetType().Name} moved {state.Status} -> {next.Status}");
            state = next;
        }
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_but_launch_to_a_missing_session_is_UnknownSession(string command)
    {
        var decision = Session.Decide(null, Make(command, SessionDriver.T0));
        if (command == "launch")
        {
            Assert.True(decision.IsAccepted);
            Assert.IsType<SessionLaunched>(Assert.Single(decision.Events));
            return;
        }

        Assert.False(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Equal(RejectionCode.UnknownSession, decision.Rejection!.Code);
        Assert.False(string.IsNullOrWhiteSpace(decision.Rejection.Reason));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_is_pure_same_state_and_command_give_the_same_outcome(string command, SessionStatus status, string expected)
    {
        _ = expected;
        var state = SessionDriver.In(status).S;
        var at = SessionDriver.T0.AddHours(1);
        var first = Session.Decide(state, Make(command, at));
        var second = Session.Decide(state, Make(command, at));
        Assert.Equal(first.Rejection, second.Rejection);
        Assert.Equal(first.Events, second.Events);
    }

    [Theory]
    [InlineData(SessionStatus.Starting, "cannot respond to session s-1: it is starting; respond when it is waiting-for-input")]
    [InlineData(SessionStatus.Running, "cannot respond to session s-1: it is running; respond when it is waiting-for-input")]
    [InlineData(SessionStatus.Completed, "cannot respond to session s-1: it is completed; respond when it is waiting-for-input")]
    public void Illegal_respond_reason_says_what_status_it_is_in_and_what_is_needed(SessionStatus status, string reason)
    {
        var decision = SessionDriver.In(status).Send(at => new Respond("hello", false, at));
        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Equal(reason, decision.Rejection.Reason);
    }

    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void Stopping_a_finished_session_says_it_has_already_finished(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var kill = driver.Send(at => new Kill(at));
        var interrupt = driver.Send(at => new Interrupt(at));
        Assert.Equal($"cannot kill session s-1: it is {status.ToWire()}; it has already finished", kill.Rejection!.Reason);
        Assert.Equal($"cannot interrupt session s-1: it is {status.ToWire()}; it has already finished", interrupt.Rejection!.Reason);
    }

    private sealed record UnknownCommand(DateTimeOffset At) : SessionCommand(At);

    [Fact]
    public void An_unknown_command_is_invalid_input()
    {
        var decision = SessionDriver.In(SessionStatus.Running).Send(at => new UnknownCommand(at));
        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
        Assert.Contains(nameof(UnknownCommand), decision.Rejection.Reason);
    }
}
