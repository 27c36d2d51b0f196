namespace SessionCluster.Domain.Tests;

public class ResumeChainTests
{
    [Fact]
    public void A_chain_of_50_resumes_walks_from_the_last_back_to_the_first()
    {
        // s-50 resumed s-49 ... s-2 resumed s-1, each made by the real rules.
        var states = new Dictionary<string, SessionState>();
        var from = SessionDriver.In(SessionStatus.Completed).S;
        states[from.Id] = from;
        for (var i = 2; i <= 50; i++)
        {
            var driver = SessionDriver.Empty();
            driver.Accept(at => Session.ResumeLaunch(from, $"s-{i}", null, at));
            driver.Accept(at => new RecordProcessStarted("node-a", i, at));
            driver.Accept(at => new RecordAgentSessionId($"conv-{i}", null, at));
            driver.Accept(at => new Kill(at));
            from = driver.S;
            states[from.Id] = from;
        }

        var chain = ResumeChain.Walk("s-50", id => states.GetValueOrDefault(id)?.ResumedFromId);

        Assert.Equal(Enumerable.Range(1, 50).Reverse().Select(i => $"s-{i}"), chain);
        Assert.Equal(["s-1"], ResumeChain.Walk("s-1", id => states.GetValueOrDefault(id)?.ResumedFromId));
    }

    [Fact]
    public void A_session_not_known_ends_the_chain_with_its_id()
    {
        Assert.Equal(["c", "b"], ResumeChain.Walk("c", id => id == "c" ? "b" : null));
    }

    [Fact]
    public void A_cycle_in_a_broken_journal_stops_at_the_repeat_and_a_long_chain_at_the_bound()
    {
        var links = new Dictionary<string, string> { ["a"] = "b", ["b"] = "c", ["c"] = "a" };
        Assert.Equal(["a", "b", "c"], ResumeChain.Walk("a", id => links.GetValueOrDefault(id)));
        Assert.Equal(["a"], ResumeChain.Walk("a", _ => "a"));

        var endless = ResumeChain.Walk("0", id => (int.Parse(id) + 1).ToString());
        Assert.Equal(ResumeChain.MaxLength, endless.Count);
    }

    [Fact]
    public void A_session_resumed_from_is_fixed_by_its_launch_so_no_later_event_can_close_a_cycle()
    {
        var b = SessionDriver.Launched("s-2", resumedFrom: new ResumeLink("s-1", "conv-0"));
        // The only event that names another session later is the forward link, and it never moves the back one.
        b.Accept(at => new RecordProcessStarted("node-a", 1, at));
        b.Accept(at => new RecordAgentSessionId("conv-1", null, at));
        b.Accept(at => new Kill(at));
        b.Accept(at => new Resume("s-3", at));
        Assert.Equal("s-1", b.S.ResumedFromId);
        // A launch into an existing id (the only way to give a session another ResumedFrom) is refused.
        Assert.Equal(RejectionCode.AlreadyExists, Session.Decide(b.S, Session.ResumeLaunch(b.S, "s-2", null, SessionDriver.T0)).Rejection!.Code);
    }
}
