namespace SessionCluster.Domain.Tests;

public class RetentionTests
{
    private static readonly RetentionPolicy KeepMany = new(TimeSpan.FromDays(30), 10_000);

    /// <summary>A session killed <paramref name="minutesLater"/> minutes after the others' clock starts, by the real rules.</summary>
    private static SessionDriver Killed(string id, int minutesLater = 0, ResumeLink? resumedFrom = null)
    {
        var driver = SessionDriver.Launched(id, resumedFrom: resumedFrom);
        for (var i = 0; i < minutesLater; i++)
        {
            driver.Tick();
        }

        driver.Accept(at => new Kill(at));
        return driver;
    }

    private static SessionDriver ResumedFrom(SessionDriver from, string id, int minutesLater)
    {
        from.Accept(at => new RecordAgentSessionId("conv-" + from.S.Id, null, at));
        return Killed(id, minutesLater, new ResumeLink(from.S.Id, "conv-" + from.S.Id));
    }

    private static IReadOnlyList<string> Pruned(DateTimeOffset now, RetentionPolicy policy, params SessionDriver[] sessions) =>
        Retention.Select(sessions.Select(d => d.S).ToList(), now, policy).Select(c => c.Session.Id).ToList();

    [Fact]
    public void A_live_session_is_never_pruned_however_old()
    {
        var running = SessionDriver.In(SessionStatus.Running, id: "live");
        var waiting = SessionDriver.In(SessionStatus.WaitingForInput, id: "waiting");

        Assert.Empty(Pruned(SessionDriver.T0.AddYears(1), new RetentionPolicy(TimeSpan.Zero, 0), running, waiting));
    }

    [Fact]
    public void Finished_sessions_older_than_the_limit_are_pruned_with_the_reason()
    {
        var old = Killed("old");
        var recent = Killed("recent", minutesLater: 120);
        var now = recent.S.FinishedAt!.Value.AddMinutes(30);

        var candidates = Retention.Select([old.S, recent.S], now, new RetentionPolicy(TimeSpan.FromHours(1), 10_000));

        var only = Assert.Single(candidates);
        Assert.Equal("old", only.Session.Id);
        Assert.Equal("finished more than 1 hour ago", only.Reason);
    }

    [Fact]
    public void Beyond_the_count_the_oldest_finished_sessions_are_pruned()
    {
        var sessions = Enumerable.Range(1, 5).Select(i => Killed($"s-{i}", minutesLater: i)).ToArray();

        var candidates = Retention.Select(sessions.Select(d => d.S).ToList(), SessionDriver.T0.AddHours(1), new RetentionPolicy(TimeSpan.FromDays(30), 3));

        Assert.Equal(["s-2", "s-1"], candidates.Select(c => c.Session.Id));
        Assert.All(candidates, c => Assert.Equal("beyond the newest 3 finished sessions", c.Reason));
    }

    [Fact]
    public void A_chain_with_a_live_session_is_kept_whole_and_its_finished_sessions_count_as_kept()
    {
        var other = Killed("other");
        var a = Killed("a", minutesLater: 5);
        var b = SessionDriver.Launched("b", resumedFrom: new ResumeLink("a", "conv-a")); // starting: live
        var now = SessionDriver.T0.AddYears(1);

        Assert.Equal(["other"], Pruned(now, KeepMany with { MaxAge = TimeSpan.FromDays(1) }, a, b, other));
        // Count only: a (kept, in b's chain, and newer) takes the one place, so the older "other" goes.
        Assert.Equal(["other"], Pruned(SessionDriver.T0.AddHours(1), new RetentionPolicy(TimeSpan.FromDays(30), 1), a, b, other));
    }

    [Fact]
    public void A_finished_chain_is_judged_by_its_newest_session_and_pruned_whole_oldest_first()
    {
        var a = Killed("a");
        var b = ResumedFrom(a, "b", minutesLater: 60);
        var c = ResumedFrom(b, "c", minutesLater: 120);
        var justAfterC = c.S.FinishedAt!.Value.AddMinutes(1);

        Assert.Empty(Pruned(justAfterC, KeepMany with { MaxAge = TimeSpan.FromMinutes(30) }, a, b, c));
        Assert.Equal(["a", "b", "c"], Pruned(justAfterC.AddHours(1), KeepMany with { MaxAge = TimeSpan.FromMinutes(30) }, a, b, c));
    }

    [Fact]
    public void A_session_that_still_owes_a_resume_its_launch_is_kept()
    {
        var a = Killed("a");
        a.Accept(at => new RecordAgentSessionId("conv-a", null, at));
        a.Accept(at => new Resume("b", at));

        Assert.Empty(Pruned(SessionDriver.T0.AddYears(1), new RetentionPolicy(TimeSpan.Zero, 0), a));
    }

    [Fact]
    public void A_resume_the_list_does_not_hold_yet_keeps_the_chain_and_the_entity_refuses_a_prune_without_it()
    {
        // The list lags the journal: "a" recorded its resume "b", whose launch is answered, but "b" is not listed yet.
        var a = Killed("a");
        a.Accept(at => new RecordAgentSessionId("conv-a", null, at));
        a.Accept(at => new Resume("b", at));
        var launched = Session.DecideResumedLaunch(a.S, "b", null, a.Tick());
        var state = Session.Apply(a.S, Assert.Single(launched.Events));

        Assert.Empty(Retention.Select([state], SessionDriver.T0.AddYears(1), new RetentionPolicy(TimeSpan.Zero, 0)));
        var refused = Session.Decide(state, new Prune(SessionDriver.T0, ["a"]));
        Assert.Equal("cannot prune session a: it was resumed as b, which is not pruned with it", refused.Rejection?.Reason);
        Assert.True(Session.Decide(state, new Prune(SessionDriver.T0, ["a", "b"])).IsAccepted);
    }

    [Fact]
    public void Each_candidate_names_the_chain_it_goes_with()
    {
        var a = Killed("a");
        var b = ResumedFrom(a, "b", minutesLater: 10);
        a.Accept(at => new Resume("b", at));
        var aResumed = Session.Apply(a.S, Assert.Single(Session.DecideResumedLaunch(a.S, "b", null, a.Tick()).Events));

        var candidates = Retention.Select([aResumed, b.S], SessionDriver.T0.AddYears(1), KeepMany);

        Assert.Equal(["a", "b"], candidates.Select(c => c.Session.Id));
        Assert.All(candidates, c => Assert.Equal(["a", "b"], c.Chain.Order()));
    }

    [Fact]
    public void Prune_is_refused_for_a_live_session_or_an_owed_resume_and_unknown_for_none()
    {
        var live = SessionDriver.In(SessionStatus.WaitingForInput);
        var refused = live.Send(at => new Prune(at));
        Assert.Equal(RejectionCode.IllegalTransition, refused.Rejection?.Code);
        Assert.Equal("cannot prune session s-1: it is waiting-for-input; interrupt or kill it first", refused.Rejection?.Reason);

        var owing = Killed("a");
        owing.Accept(at => new RecordAgentSessionId("conv-a", null, at));
        owing.Accept(at => new Resume("b", at));
        Assert.Equal("cannot prune session a: its resume b is still being launched", owing.Send(at => new Prune(at)).Rejection?.Reason);

        Assert.Equal(RejectionCode.UnknownSession, Session.Decide(null, new Prune(SessionDriver.T0)).Rejection?.Code);
    }

    [Fact]
    public void Prune_of_a_finished_session_records_the_tombstone_and_changes_nothing_else()
    {
        var done = SessionDriver.In(SessionStatus.Completed);
        var before = done.S;

        var decision = done.Send(at => new Prune(at));

        var pruned = Assert.IsType<SessionPruned>(Assert.Single(decision.Events));
        Assert.Equal(before with { UpdatedAt = pruned.At }, done.S);
    }

    [Theory]
    [InlineData(30 * 24 * 3600, "30 days")]
    [InlineData(3600, "1 hour")]
    [InlineData(90, "90 seconds")]
    [InlineData(0, "0 seconds")]
    public void The_limit_reads_in_its_largest_whole_unit(int seconds, string expected)
    {
        Assert.Equal(expected, Retention.Describe(TimeSpan.FromSeconds(seconds)));
    }
}
