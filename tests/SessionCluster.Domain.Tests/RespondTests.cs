namespace SessionCluster.Domain.Tests;

public class RespondTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Respond_while_waiting_runs_the_session_again(bool auto)
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);

        var decision = driver.Send(at => new Respond("carry on", auto, at));

        Assert.Equal(new Responded("carry on", auto, driver.Now), Assert.Single(decision.Events));
        Assert.Equal(SessionStatus.Running, driver.S.Status);
        Assert.Equal(WaitingReason.None, driver.S.WaitingReason);
        Assert.Equal(1, driver.S.RespondCount);
        Assert.Equal(auto ? 1 : 0, driver.S.AutoRespondCount);
        Assert.Null(driver.S.FinishedAt);
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void Respond_outside_waiting_for_input_is_an_illegal_transition(SessionStatus status)
    {
        foreach (var auto in new[] { false, true })
        {
            var driver = SessionDriver.In(status);
            var decision = driver.Send(at => new Respond("hi", auto, at));
            Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
            Assert.Contains($"it is {status.ToWire()}", decision.Rejection.Reason);
            Assert.Contains("waiting-for-input", decision.Rejection.Reason);
            Assert.Equal(0, driver.S.RespondCount);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\t")]
    public void An_empty_message_is_invalid_input(string message)
    {
        foreach (var auto in new[] { false, true })
        {
            var driver = SessionDriver.In(SessionStatus.WaitingForInput);
            var decision = driver.Send(at => new Respond(message, auto, at));
            Assert.Equal(new Rejection(RejectionCode.InvalidInput, "message is empty"), decision.Rejection);
            Assert.Equal(SessionStatus.WaitingForInput, driver.S.Status);
        }
    }

    [Fact]
    public void Each_respond_counts_and_auto_ones_count_separately()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);

        driver.RespondAndFinishTurn("a", auto: true);
        driver.RespondAndFinishTurn("b", auto: true);
        Assert.Equal(2, driver.S.RespondCount);
        Assert.Equal(2, driver.S.AutoRespondCount);

        driver.RespondAndFinishTurn("c", auto: false);
        Assert.Equal(3, driver.S.RespondCount);
        Assert.Equal(0, driver.S.AutoRespondCount);

        driver.RespondAndFinishTurn("d", auto: true);
        Assert.Equal(4, driver.S.RespondCount);
        Assert.Equal(1, driver.S.AutoRespondCount);
    }

    [Theory]
    [InlineData(SessionState.DefaultMaxAutoResponds)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Auto_responds_stop_at_the_cap_until_a_person_responds(int cap)
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput, maxAutoResponds: cap);

        for (var i = 0; i < cap; i++)
        {
            Assert.True(driver.RespondAndFinishTurn($"auto {i}", auto: true).IsAccepted);
        }

        Assert.Equal(cap, driver.S.AutoRespondCount);
        var before = driver.S;
        var refused = driver.Send(at => new Respond("one more", true, at));

        Assert.False(refused.IsAccepted);
        Assert.Empty(refused.Events);
        Assert.Equal(RejectionCode.AutoRespondCapReached, refused.Rejection!.Code);
        Assert.Equal(
            $"auto-respond cap reached for session s-1: {cap} of {cap} automatic responds used since a person " +
            "last responded; a person must respond (without --auto)",
            refused.Rejection.Reason);
        Assert.Same(before, driver.S);

        // A person may always respond, and that resets the count.
        Assert.True(driver.RespondAndFinishTurn("a person", auto: false).IsAccepted);
        Assert.Equal(0, driver.S.AutoRespondCount);
        Assert.Equal(cap + 1, driver.S.RespondCount);

        var again = driver.Send(at => new Respond("auto after reset", true, at));
        Assert.Equal(cap > 0, again.IsAccepted);
    }

    [Fact]
    public void The_default_cap_is_ten()
    {
        Assert.Equal(10, SessionState.DefaultMaxAutoResponds);
        Assert.Equal(10, SessionDriver.Launched().S.MaxAutoResponds);

        var driver = SessionDriver.In(SessionStatus.WaitingForInput);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(driver.RespondAndFinishTurn("auto", auto: true).IsAccepted, $"auto respond {i + 1}");
        }

        Assert.Equal(RejectionCode.AutoRespondCapReached, driver.Send(at => new Respond("auto", true, at)).Rejection!.Code);
    }

    [Fact]
    public void The_cap_does_not_limit_a_person()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput, maxAutoResponds: 0);
        for (var i = 0; i < 15; i++)
        {
            Assert.True(driver.RespondAndFinishTurn($"person {i}", auto: false).IsAccepted);
        }

        Assert.Equal(15, driver.S.RespondCount);
        Assert.Equal(0, driver.S.AutoRespondCount);
    }

    [Fact]
    public void An_empty_auto_message_at_the_cap_is_invalid_input_first()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput, maxAutoResponds: 0);
        Assert.Equal(RejectionCode.InvalidInput, driver.Send(at => new Respond(" ", true, at)).Rejection!.Code);
    }

    [Fact]
    public void Auto_responding_to_a_running_session_is_illegal_not_capped()
    {
        var driver = SessionDriver.In(SessionStatus.Running, maxAutoResponds: 0);
        Assert.Equal(RejectionCode.IllegalTransition, driver.Send(at => new Respond("x", true, at)).Rejection!.Code);
    }
}
