namespace SessionCluster.Domain.Tests;

/// <summary>What a session still needs of its agent host, read off its state, in every status.</summary>
public class ObligationTests
{
    [Fact]
    public void A_launched_session_needs_its_agent_started_until_a_process_reports()
    {
        var driver = SessionDriver.Launched();
        Assert.Equal(AgentObligation.Start, Session.ObligationOf(driver.S));

        driver.Accept(at => new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at));

        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
    }

    [Fact]
    public void A_launch_that_failed_needs_nothing()
    {
        var driver = SessionDriver.Launched();

        driver.Accept(at => new RecordLaunchFailure(ErrorKind.AgentBinaryMissing, "no claude", SessionDriver.Node, at));

        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
    }

    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_stopped_session_needs_its_recorded_process_stopped_until_it_exits(SessionStatus from)
    {
        var interrupted = SessionDriver.In(from);
        interrupted.Accept(at => new Interrupt(at));
        var killed = SessionDriver.In(from);
        killed.Accept(at => new Kill(at));

        Assert.Equal(AgentObligation.Interrupt, Session.ObligationOf(interrupted.S));
        Assert.Equal(AgentObligation.Kill, Session.ObligationOf(killed.S));

        interrupted.Accept(at => new RecordProcessExit(SessionDriver.Exit(null, signal: 2), at));
        killed.Accept(at => new RecordProcessExit(SessionDriver.Exit(null, signal: 9), at));
        Assert.Equal(AgentObligation.None, Session.ObligationOf(interrupted.S));
        Assert.Equal(AgentObligation.None, Session.ObligationOf(killed.S));
    }

    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_live_or_completed_session_needs_nothing(SessionStatus status)
    {
        Assert.Equal(AgentObligation.None, Session.ObligationOf(SessionDriver.In(status).S));

        var completed = SessionDriver.In(SessionStatus.Completed).S;
        Assert.Equal(AgentObligation.None, Session.ObligationOf(completed));
    }

    [Fact]
    public void An_interrupt_for_the_node_stopping_keeps_its_reason()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);

        driver.Accept(at => new Interrupt(at, "node stopped"));

        Assert.Equal(SessionStatus.Interrupted, driver.S.Status);
        Assert.Equal("node stopped", driver.S.StopReason);
        Assert.Equal("node stopped", SessionDriver.Replay(driver.History).StopReason);
    }

    [Fact]
    public void A_session_with_a_node_id_is_matched_by_it_alone()
    {
        var driver = SessionDriver.Launched();
        Assert.True(Session.RanOn(driver.S, "any-id", "any-node"));

        driver.Accept(at => new RecordProcessStarted("node-a", SessionDriver.Pid, at, "id-a", 1));

        Assert.True(Session.RanOn(driver.S, "id-a", "renamed"));
        Assert.False(Session.RanOn(driver.S, "id-b", "node-a"));
        Assert.Empty(driver.Send(at => new MarkNodeLost("node-a", at, "id-b")).Events);
        Assert.Equal(SessionStatus.Running, driver.S.Status);
    }
}
