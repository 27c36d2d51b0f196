namespace SessionCluster.Domain.Tests;

/// <summary>Facts from the agent host are delivered at least once: each applies once, by its sequence number.</summary>
public class AgentFactTests
{
    private static RecordAgentFact Fact(long seq, SessionCommand fact) => new(seq, fact, fact.At);

    [Fact]
    public void A_fact_applies_its_events_and_records_its_number()
    {
        var driver = SessionDriver.Launched();

        var decision = driver.Send(at => Fact(1, new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at, "id-a", 555)));

        Assert.Collection(
            decision.Events,
            e => Assert.Equal(new AgentProcessStarted(SessionDriver.Node, SessionDriver.Pid, e.At, "id-a", 555), e),
            e => Assert.Equal(1, Assert.IsType<AgentFactApplied>(e).Seq));
        Assert.Equal(SessionStatus.Running, driver.S.Status);
        Assert.Equal(1, driver.S.LastFactSeq);
        Assert.Equal("id-a", driver.S.NodeId);
        Assert.Equal(555, driver.S.ProcessStartTime);
    }

    [Fact]
    public void A_redelivered_fact_or_an_older_one_changes_nothing()
    {
        var driver = SessionDriver.Launched();
        driver.Accept(at => Fact(1, new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at)));
        driver.Accept(at => Fact(2, SessionDriver.TurnResult(at, totalCostUsd: 0.25m)));
        var before = driver.S;

        Assert.Empty(driver.Send(at => Fact(2, SessionDriver.TurnResult(at, totalCostUsd: 0.25m))).Events);
        Assert.Empty(driver.Send(at => Fact(1, new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at))).Events);

        Assert.Equal(before, driver.S);
        Assert.Equal(1, driver.S.TurnsCompleted);
        Assert.Equal(1, driver.S.ProcessCount);
    }

    [Fact]
    public void A_fact_that_changes_no_status_is_still_numbered_so_a_redelivery_after_recovery_is_no_turn()
    {
        // A turn result while waiting counts nothing; delivered again after a respond it still must not count.
        var driver = SessionDriver.Launched();
        driver.Accept(at => Fact(1, new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at)));
        driver.Accept(at => Fact(2, SessionDriver.TurnResult(at)));
        var ignored = driver.Send(at => Fact(3, SessionDriver.TurnResult(at)));
        Assert.IsType<AgentFactApplied>(Assert.Single(ignored.Events));

        var recovered = SessionDriver.Replay(driver.History);
        driver.Accept(at => new Respond("go on", false, at));
        Assert.Empty(Session.Decide(driver.S, Fact(3, SessionDriver.TurnResult(driver.Now))).Events);
        Assert.Equal(3, recovered.LastFactSeq);
        Assert.Equal(1, driver.S.TurnsCompleted);
    }

    [Fact]
    public void Only_agent_facts_travel_as_facts()
    {
        var driver = SessionDriver.Launched();

        var decision = driver.Send(at => Fact(1, new Kill(at)));

        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
        Assert.Equal(SessionStatus.Starting, driver.S.Status);
    }

    [Fact]
    public void A_process_that_reports_after_its_session_was_killed_is_recorded_so_it_can_be_stopped()
    {
        var driver = SessionDriver.Launched();
        driver.Accept(at => new Kill(at));
        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));

        driver.Accept(at => Fact(1, new RecordProcessStarted(SessionDriver.Node, SessionDriver.Pid, at)));

        Assert.Equal(SessionStatus.Killed, driver.S.Status);
        Assert.Equal(SessionDriver.Pid, driver.S.Pid);
        Assert.Equal(AgentObligation.Kill, Session.ObligationOf(driver.S));
    }
}
