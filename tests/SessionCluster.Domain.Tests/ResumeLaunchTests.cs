namespace SessionCluster.Domain.Tests;

/// <summary>The resumed session owes the new one its launch until the new one answers; what counts as an answer.</summary>
public class ResumeLaunchTests
{
    [Fact]
    public void A_resume_owes_the_launch_with_its_prompt_and_derives_the_same_launch_every_time()
    {
        var driver = SessionDriver.In(SessionStatus.Completed);
        driver.Accept(at => new Resume("s-2", at, "now the docs"));
        var pending = Assert.Single(driver.S.UnlaunchedResumes);

        var first = Session.LaunchOf(driver.S, pending);
        driver.Accept(at => new RecordAgentSessionId(SessionDriver.AgentSessionId, "sonnet-4", at)); // time passes, nothing changes it
        var again = Session.LaunchOf(driver.S, pending);

        Assert.Equal(first, again);
        Assert.Equal(Session.ResumeLaunch(driver.S, "s-2", "now the docs", pending.At), first);
        Assert.Equal("now the docs", first.Spec.Prompt);
        Assert.Equal(pending.At, first.At);
    }

    [Fact]
    public void The_new_session_answering_as_this_resume_settles_the_launch()
    {
        var a = SessionDriver.In(SessionStatus.Completed);
        a.Accept(at => new Resume("s-2", at));
        var b = SessionDriver.Empty();
        b.Accept(_ => Session.LaunchOf(a.S, a.S.UnlaunchedResumes[0]));

        Assert.Null(Session.ResumeRefusal(a.S, "s-2", b.S, null));
        var decision = Session.DecideResumedLaunch(a.S, "s-2", null, SessionDriver.T0.AddDays(1));

        Assert.Equal(new ResumedSessionLaunched("s-2", SessionDriver.T0.AddDays(1)), Assert.Single(decision.Events));
        var after = Session.Apply(a.S, decision.Events[0]);
        Assert.Empty(after.UnlaunchedResumes);
        Assert.Equal(["s-2"], after.ResumedAs);
        // A second answer (asked again meanwhile) changes nothing.
        Assert.Empty(Session.DecideResumedLaunch(after, "s-2", null, SessionDriver.T0.AddDays(2)).Events);
    }

    [Fact]
    public void A_session_cannot_resume_into_an_existing_one_the_link_is_withdrawn()
    {
        var a = SessionDriver.In(SessionStatus.Completed);
        a.Accept(at => new Resume("x-1", at));
        // x-1 exists already, launched on its own: its launch refuses the resume's launch...
        var other = SessionDriver.Launched("x-1");
        Assert.Equal(RejectionCode.AlreadyExists, Session.Decide(other.S, Session.LaunchOf(a.S, a.S.UnlaunchedResumes[0])).Rejection!.Code);

        // ...and asked for itself, it is no resume of s-1.
        var refusal = Session.ResumeRefusal(a.S, "x-1", other.S, null);
        Assert.Equal(RejectionCode.AlreadyExists, refusal!.Code);
        Assert.Equal("session x-1 already exists and is not a resume of s-1; resume again without that Idempotency-Key", refusal.Reason);

        var after = Session.Apply(a.S, Assert.Single(Session.DecideResumedLaunch(a.S, "x-1", refusal, SessionDriver.T0).Events));
        Assert.Empty(after.UnlaunchedResumes);
        Assert.Empty(after.ResumedAs);
    }

    [Fact]
    public void An_unreadable_new_session_is_asked_again_and_a_refused_launch_is_recorded()
    {
        var a = SessionDriver.In(SessionStatus.Completed);
        a.Accept(at => new Resume("s-2", at));

        Assert.Empty(Session.DecideResumedLaunch(a.S, "s-2", new Rejection(RejectionCode.Unreadable, "newer"), SessionDriver.T0).Events);
        var refused = Session.DecideResumedLaunch(a.S, "s-2", new Rejection(RejectionCode.InvalidInput, "bad"), SessionDriver.T0);
        Assert.Equal(new ResumedSessionLaunched("s-2", SessionDriver.T0, "bad"), Assert.Single(refused.Events));
    }

    [Fact]
    public void A_resume_recorded_before_the_entity_launched_resumes_owes_nothing()
    {
        var a = SessionDriver.In(SessionStatus.Completed);
        var state = Session.Apply(a.S, new SessionResumedAs("s-2", SessionDriver.T0)); // no prompt: an older node's event
        Assert.Equal(["s-2"], state.ResumedAs);
        Assert.Empty(state.UnlaunchedResumes);
    }

    [Fact]
    public void A_session_cannot_be_resumed_as_the_session_it_resumed()
    {
        var b = SessionDriver.Launched("s-2", resumedFrom: new ResumeLink("s-1", "conv-0"));
        b.Accept(at => new RecordProcessStarted("node-a", 1, at));
        b.Accept(at => new RecordAgentSessionId("conv-1", null, at));
        b.Accept(at => new Kill(at));

        Assert.Equal(RejectionCode.InvalidInput, b.Send(at => new Resume("s-1", at)).Rejection!.Code);
    }

    [Fact]
    public void A_long_chain_keeps_its_names_within_the_limit()
    {
        var from = SessionDriver.In(SessionStatus.Completed).S with { Name = new string('n', Session.MaxNameChars - 3) };
        var launch = Session.ResumeLaunch(from, "s-2", null, SessionDriver.T0);
        Assert.Equal(Session.MaxNameChars, launch.Name.Length);
    }
}
