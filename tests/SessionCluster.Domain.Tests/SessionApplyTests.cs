using System.Collections.Immutable;

namespace SessionCluster.Domain.Tests;

public class SessionApplyTests
{
    /// <summary>States from different folds hold different (but equal) lists, which a record compares by reference.</summary>
    internal static void AssertSameState(SessionState expected, SessionState actual)
    {
        Assert.Equal(expected.ResumedAs, actual.ResumedAs);
        Assert.Equal(expected.UnlaunchedResumes, actual.UnlaunchedResumes);
        Assert.Equal(
            expected with { ResumedAs = ImmutableList<string>.Empty, UnlaunchedResumes = ImmutableList<PendingResume>.Empty },
            actual with { ResumedAs = ImmutableList<string>.Empty, UnlaunchedResumes = ImmutableList<PendingResume>.Empty });
    }

    public static TheoryData<SessionStatus, bool> AllStatuses()
    {
        var data = new TheoryData<SessionStatus, bool>();
        foreach (var status in SessionDriver.AllStatuses)
        {
            data.Add(status, true);
            if (status != SessionStatus.WaitingForInput)
            {
                data.Add(status, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Replaying_the_history_gives_the_same_state(SessionStatus status, bool multiTurn)
    {
        var driver = SessionDriver.In(status, multiTurn);
        AssertSameState(driver.S, driver.Replay());
    }

    [Fact]
    public void Replaying_a_long_history_gives_the_same_state_at_every_step()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput, maxAutoResponds: 2);
        driver.RespondAndFinishTurn("a", auto: true);
        driver.RespondAndFinishTurn("b", auto: true);
        driver.Send(at => new Respond("c", true, at)); // refused: cap
        driver.RespondAndFinishTurn("d", auto: false);
        driver.Accept(at => new Respond("e", false, at));
        driver.Accept(at => new RecordProcessStarted("node-b", 77, at));
        driver.Accept(at => SessionDriver.TurnResult(at, 2.5m, new TokenUsage(1, 2, 3, 4), next: WaitingReason.Question));
        driver.Accept(at => new Interrupt(at));
        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(null, 2), at));
        driver.Accept(at => new Resume("s-2", at));
        driver.Accept(at => new Resume("s-3", at));

        Assert.Equal(SessionStatus.Interrupted, driver.S.Status);
        AssertSameState(driver.S, driver.Replay());

        // Every prefix of the history folds to a state the incremental path went through.
        var incremental = new SessionDriverReplay();
        foreach (var @event in driver.History)
        {
            incremental.Apply(@event);
            AssertSameState(incremental.State, SessionDriver.Replay(driver.History.Take(incremental.Count)));
        }
    }

    private sealed class SessionDriverReplay
    {
        private SessionState? state;

        public SessionState State => state!;

        public int Count { get; private set; }

        public void Apply(SessionEvent @event)
        {
            state = Session.Apply(state, @event);
            Count++;
        }
    }

    [Fact]
    public void Timestamps_follow_the_events()
    {
        var driver = SessionDriver.Launched();
        var launchedAt = driver.S.CreatedAt;
        Assert.Equal(SessionDriver.T0, launchedAt);
        Assert.Equal(launchedAt, driver.S.UpdatedAt);
        Assert.Null(driver.S.FinishedAt);

        driver.Accept(at => new RecordProcessStarted("node-a", 1, at));
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
        driver.Accept(at => new RecordAgentSessionId("conv", null, at));
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
        driver.Accept(at => SessionDriver.TurnResult(at));
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
        Assert.Null(driver.S.FinishedAt);
        driver.Accept(at => new Respond("go", false, at));
        Assert.Null(driver.S.FinishedAt);

        driver.Accept(at => new Kill(at));
        var killedAt = driver.Now;
        Assert.Equal(killedAt, driver.S.FinishedAt);
        Assert.Equal(killedAt, driver.S.UpdatedAt);

        // Later events move updatedAt, never createdAt or finishedAt.
        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(null, 9), at));
        driver.Accept(at => new Resume("s-2", at));
        driver.Accept(at => new RecordAgentSessionId("conv-late", null, at));
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
        Assert.Equal(killedAt, driver.S.FinishedAt);
        Assert.Equal(launchedAt, driver.S.CreatedAt);
        Assert.True(driver.S.UpdatedAt > driver.S.FinishedAt);
    }

    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void A_terminal_event_sets_finishedAt_to_its_time(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var terminal = driver.History.Last(e => e is SessionCompleted or SessionFailed or SessionKilled or SessionInterrupted);
        Assert.Equal(terminal.At, driver.S.FinishedAt);
        Assert.Equal(SessionDriver.T0, driver.S.CreatedAt);
    }

    [Fact]
    public void An_event_before_the_launch_cannot_be_applied()
    {
        var events = new SessionEvent[]
        {
            new AgentProcessStarted("n", 1, SessionDriver.T0),
            new AgentSessionIdentified("c", null, SessionDriver.T0),
            new TurnCompleted(1m, TokenUsage.Zero, SessionDriver.T0),
            new WaitingForInput(WaitingReason.Question, SessionDriver.T0),
            new Responded("x", false, SessionDriver.T0),
            new AgentProcessExited(0, null, SessionDriver.T0),
            new SessionCompleted(SessionDriver.T0),
            new SessionInterrupted(SessionDriver.T0),
            new SessionKilled(SessionDriver.T0),
            new SessionResumedAs("s-2", SessionDriver.T0),
        };

        foreach (var @event in events)
        {
            var error = Assert.Throws<InvalidOperationException>(() => Session.Apply(null, @event));
            Assert.Contains(@event.GetType().Name, error.Message);
        }
    }

    private sealed record FutureEvent(DateTimeOffset At) : SessionEvent(At);

    [Fact]
    public void An_unknown_event_only_moves_updatedAt()
    {
        var state = SessionDriver.In(SessionStatus.Running).S;
        var at = state.UpdatedAt.AddHours(1);

        var next = Session.Apply(state, new FutureEvent(at));

        Assert.Equal(state with { UpdatedAt = at }, next);
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Apply_takes_any_event_in_any_status_without_throwing(SessionStatus status, bool multiTurn)
    {
        var state = SessionDriver.In(status, multiTurn).S;
        var at = state.UpdatedAt.AddMinutes(5);
        var events = new SessionEvent[]
        {
            new AgentProcessStarted("n", 1, at),
            new AgentSessionIdentified("c", null, at),
            new TurnCompleted(1m, TokenUsage.Zero, at),
            new WaitingForInput(WaitingReason.Question, at),
            new Responded("x", true, at),
            new AgentProcessExited(0, null, at),
            new SessionCompleted(at),
            new SessionInterrupted(at),
            new SessionKilled(at),
            new SessionFailed(FailureClassifier.NodeLost(state, "n"), at),
            new SessionResumedAs("s-9", at),
            new FutureEvent(at),
        };

        foreach (var @event in events)
        {
            var next = Session.Apply(state, @event);
            Assert.Equal(at, next.UpdatedAt);
            Assert.Equal(state.Id, next.Id);
            Assert.Equal(state.CreatedAt, next.CreatedAt);
        }
    }

    [Fact]
    public void A_launch_event_replaces_whatever_state_there_was()
    {
        var old = SessionDriver.In(SessionStatus.Failed).S;
        var launched = Assert.IsType<SessionLaunched>(Session.Decide(null, SessionDriver.LaunchCommand("s-new")).Events[0]);

        var state = Session.Apply(old, launched);

        Assert.Equal("s-new", state.Id);
        Assert.Equal(SessionStatus.Starting, state.Status);
        Assert.Null(state.Error);
        Assert.Null(state.FinishedAt);
    }

    [Fact]
    public void Process_start_moves_starting_to_running_but_never_changes_another_status()
    {
        var starting = SessionDriver.Launched().S;
        Assert.Equal(SessionStatus.Running, Session.Apply(starting, new AgentProcessStarted("n", 1, SessionDriver.T0)).Status);

        var waiting = SessionDriver.In(SessionStatus.WaitingForInput).S;
        var next = Session.Apply(waiting, new AgentProcessStarted("n", 2, SessionDriver.T0));
        Assert.Equal(SessionStatus.WaitingForInput, next.Status);
        Assert.Equal(WaitingReason.NextTurn, next.WaitingReason);
        Assert.Equal(2, next.Pid);
        Assert.Equal(2, next.ProcessCount);
    }

    [Fact]
    public void Agent_identification_keeps_the_model_when_none_is_told()
    {
        var driver = SessionDriver.Launched();
        driver.Accept(at => new RecordAgentSessionId("conv-1", null, at));
        Assert.Equal("conv-1", driver.S.AgentSessionId);
        Assert.Equal("sonnet", driver.S.Model);

        driver.Accept(at => new RecordAgentSessionId("conv-2", "opus", at));
        Assert.Equal("conv-2", driver.S.AgentSessionId);
        Assert.Equal("opus", driver.S.Model);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(SessionDriver.AgentSessionId)]
    public void The_same_or_an_empty_agent_session_id_records_nothing(string? id)
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        var before = driver.S;

        var decision = driver.Send(at => new RecordAgentSessionId(id!, "other-model", at));

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
    }

    [Fact]
    public void The_waiting_reason_is_none_outside_waiting_for_input()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => SessionDriver.TurnResult(at, next: WaitingReason.Question, question: "Which file?"));
        Assert.Equal(WaitingReason.Question, driver.S.WaitingReason);
        Assert.Equal("Which file?", driver.S.Question);

        driver.Accept(at => new Kill(at));
        Assert.Equal(WaitingReason.None, driver.S.WaitingReason);
        Assert.Null(driver.S.Question);
    }

    [Fact]
    public void A_failure_records_its_error_and_other_stops_do_not()
    {
        var failed = SessionDriver.In(SessionStatus.Failed).S;
        Assert.Equal(ErrorKind.NonZeroExit, failed.Error!.Kind);
        Assert.Equal("boom", failed.Error.StderrTail);
        Assert.Equal(1, failed.LastExitCode);

        Assert.Null(SessionDriver.In(SessionStatus.Completed).S.Error);
        Assert.Null(SessionDriver.In(SessionStatus.Killed).S.Error);
        Assert.Null(SessionDriver.In(SessionStatus.Interrupted).S.Error);
    }
}
