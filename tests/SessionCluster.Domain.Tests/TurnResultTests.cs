namespace SessionCluster.Domain.Tests;

public class TurnResultTests
{
    [Theory]
    [InlineData(WaitingReason.None, WaitingReason.NextTurn)]
    [InlineData(WaitingReason.NextTurn, WaitingReason.NextTurn)]
    [InlineData(WaitingReason.Question, WaitingReason.Question)]
    // A turn that has ended waits on no permission request: a driver's old "permission" after refused tool uses is a next turn.
    [InlineData(WaitingReason.Permission, WaitingReason.NextTurn)]
    public void A_multi_turn_result_completes_the_turn_and_waits_for_input(WaitingReason given, WaitingReason expected)
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => SessionDriver.TurnResult(at, 0.42m, new TokenUsage(10, 2, 3, 4), next: given));

        Assert.Collection(
            decision.Events,
            e => Assert.Equal(new TurnCompleted(0.42m, new TokenUsage(10, 2, 3, 4), driver.Now), e),
            e => Assert.Equal(new WaitingForInput(expected, driver.Now), e));
        var state = driver.S;
        Assert.Equal(SessionStatus.WaitingForInput, state.Status);
        Assert.Equal(expected, state.WaitingReason);
        Assert.Equal(1, state.TurnsCompleted);
        Assert.Equal(0.42m, state.CostUsd);
        Assert.Equal(new TokenUsage(10, 2, 3, 4), state.Usage);
        Assert.Null(state.FinishedAt);
        Assert.Equal(SessionDriver.Pid, state.Pid);
    }

    [Theory]
    [InlineData(WaitingReason.None)]
    [InlineData(WaitingReason.Question)]
    [InlineData(WaitingReason.Permission)]
    public void A_single_turn_result_completes_the_turn_and_the_session(WaitingReason next)
    {
        var driver = SessionDriver.In(SessionStatus.Running, multiTurn: false);

        var decision = driver.Send(at => SessionDriver.TurnResult(at, 1.5m, next: next));

        Assert.Collection(
            decision.Events,
            e => Assert.IsType<TurnCompleted>(e),
            e => Assert.Equal(new SessionCompleted(driver.Now), e));
        var state = driver.S;
        Assert.Equal(SessionStatus.Completed, state.Status);
        Assert.Equal(WaitingReason.None, state.WaitingReason);
        Assert.Equal(1, state.TurnsCompleted);
        Assert.Equal(1.5m, state.CostUsd);
        Assert.Equal(driver.Now, state.FinishedAt);
        Assert.True(state.IsFinished);
    }

    [Fact]
    public void Cost_is_the_highest_total_reported_and_usage_is_summed_over_turns()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        var reports = new (decimal Total, TokenUsage Usage)[]
        {
            (0.30m, new TokenUsage(100, 10, 1, 2)),
            (0.25m, new TokenUsage(50, 5, 0, 0)), // a lower total (e.g. after a restart) never lowers the cost
            (0.90m, new TokenUsage(7, 3, 20, 1)),
            (0.00m, new TokenUsage(1, 1, 1, 1)),
        };

        var expectedCost = 0m;
        var expectedUsage = TokenUsage.Zero;
        foreach (var (total, usage) in reports)
        {
            driver.Accept(at => SessionDriver.TurnResult(at, total, usage));
            expectedCost = Math.Max(expectedCost, total);
            expectedUsage = expectedUsage.Add(usage);
            Assert.Equal(expectedCost, driver.S.CostUsd);
            Assert.Equal(expectedUsage, driver.S.Usage);
            driver.Accept(at => new Respond("next", false, at));
        }

        Assert.Equal(0.90m, driver.S.CostUsd);
        Assert.Equal(new TokenUsage(158, 19, 22, 4), driver.S.Usage);
        Assert.Equal(4, driver.S.TurnsCompleted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_error_result_produces_no_events(bool multiTurn)
    {
        var driver = SessionDriver.In(SessionStatus.Running, multiTurn);
        var before = driver.S;

        var decision = driver.Send(at => SessionDriver.TurnResult(at, 9m, isError: true, next: WaitingReason.Question));

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
        Assert.Equal(0, driver.S.TurnsCompleted);
        Assert.Equal(0m, driver.S.CostUsd);
    }

    [Fact]
    public void An_error_result_fails_the_session_when_its_process_exits()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => SessionDriver.TurnResult(at, isError: true));

        driver.Accept(at => new RecordProcessExit(
            SessionDriver.Exit(1, observed: ErrorKind.AgentError, observedMessage: "tool crashed", output: "result: error"), at));

        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Equal(ErrorKind.AgentError, driver.S.Error!.Kind);
        Assert.Equal("tool crashed", driver.S.Error.Message);
        Assert.Equal("result: error", driver.S.Error.OutputTail);
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.WaitingForInput)]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void A_result_outside_running_is_ignored(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;

        var decision = driver.Send(at => SessionDriver.TurnResult(at, 5m));

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
    }

    [Fact]
    public void Several_turns_alternate_running_and_waiting_with_the_given_reasons()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        var reasons = new[] { WaitingReason.Question, WaitingReason.None, WaitingReason.NextTurn };
        var seen = new List<WaitingReason>();
        foreach (var reason in reasons)
        {
            driver.Accept(at => SessionDriver.TurnResult(at, next: reason));
            seen.Add(driver.S.WaitingReason);
            driver.Accept(at => new Respond("ok", false, at));
            Assert.Equal(WaitingReason.None, driver.S.WaitingReason);
            Assert.Equal(SessionStatus.Running, driver.S.Status);
        }

        Assert.Equal([WaitingReason.Question, WaitingReason.NextTurn, WaitingReason.NextTurn], seen);
        Assert.Equal(3, driver.S.TurnsCompleted);
    }
}
