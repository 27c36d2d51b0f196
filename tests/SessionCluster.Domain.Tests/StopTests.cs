namespace SessionCluster.Domain.Tests;

/// <summary>Interrupt (graceful) and kill (hard) stop.</summary>
public class StopTests
{
    public static TheoryData<SessionStatus, string> LiveStatusesAndVerbs()
    {
        var data = new TheoryData<SessionStatus, string>();
        foreach (var status in new[] { SessionStatus.Starting, SessionStatus.Running, SessionStatus.WaitingForInput })
        {
            data.Add(status, "interrupt");
            data.Add(status, "kill");
        }

        return data;
    }

    public static TheoryData<SessionStatus, string> TerminalStatusesAndVerbs()
    {
        var data = new TheoryData<SessionStatus, string>();
        foreach (var status in new[] { SessionStatus.Completed, SessionStatus.Failed, SessionStatus.Killed, SessionStatus.Interrupted })
        {
            data.Add(status, "interrupt");
            data.Add(status, "kill");
        }

        return data;
    }

    private static SessionCommand Command(string verb, DateTimeOffset at) =>
        verb == "kill" ? new Kill(at) : new Interrupt(at);

    [Theory]
    [MemberData(nameof(LiveStatusesAndVerbs))]
    public void A_live_session_stops_with_a_finish_time(SessionStatus status, string verb)
    {
        var driver = SessionDriver.In(status);
        var pidBefore = driver.S.Pid;

        var decision = driver.Send(at => Command(verb, at));

        var expected = verb == "kill" ? SessionStatus.Killed : SessionStatus.Interrupted;
        SessionEvent expectedEvent = verb == "kill" ? new SessionKilled(driver.Now) : new SessionInterrupted(driver.Now);
        Assert.Equal(expectedEvent, Assert.Single(decision.Events));
        Assert.Equal(expected, driver.S.Status);
        Assert.Equal(driver.Now, driver.S.FinishedAt);
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
        Assert.Equal(WaitingReason.None, driver.S.WaitingReason);
        Assert.True(driver.S.IsFinished);
        Assert.Null(driver.S.Error);
        // The process is still there until it exits.
        Assert.Equal(pidBefore, driver.S.Pid);
    }

    [Theory]
    [MemberData(nameof(TerminalStatusesAndVerbs))]
    public void A_finished_session_cannot_be_stopped_again(SessionStatus status, string verb)
    {
        var driver = SessionDriver.In(status);
        var before = driver.S;

        var decision = driver.Send(at => Command(verb, at));

        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Equal($"cannot {verb} session s-1: it is {status.ToWire()}; it has already finished", decision.Rejection.Reason);
        Assert.Same(before, driver.S);
    }

    [Theory]
    [InlineData("interrupt")]
    [InlineData("kill")]
    public void The_exit_after_a_stop_is_recorded_but_keeps_the_status(string verb)
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => Command(verb, at));
        var finishedAt = driver.S.FinishedAt;
        var status = driver.S.Status;

        var decision = driver.Send(at => new RecordProcessExit(SessionDriver.Exit(null, signal: 15), at));

        Assert.Equal(new AgentProcessExited(null, 15, driver.Now), Assert.Single(decision.Events));
        Assert.Equal(status, driver.S.Status);
        Assert.Equal(finishedAt, driver.S.FinishedAt);
        Assert.Null(driver.S.Pid);
        Assert.Equal(15, driver.S.LastSignal);
        Assert.Null(driver.S.Error);
    }
}
