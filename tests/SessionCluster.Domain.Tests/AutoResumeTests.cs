namespace SessionCluster.Domain.Tests;

public class AutoResumeTests
{
    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_lost_session_launched_with_auto_resume_fails_and_owes_the_launch_of_its_resume(SessionStatus status)
    {
        var driver = SessionDriver.In(status, autoResume: true);

        var decision = driver.Send(at => new MarkNodeLost(SessionDriver.Node, at));

        var resumeId = Session.AutoResumeIdOf(SessionDriver.Id);
        Assert.Collection(
            decision.Events,
            e => Assert.IsType<SessionFailed>(e),
            e => Assert.Equal(new SessionResumedAs(resumeId, driver.Now, Session.AutoResumePrompt), e));
        var state = driver.S;
        Assert.Equal((SessionStatus.Failed, ErrorKind.NodeLost), (state.Status, state.Error!.Kind));
        Assert.Equal([resumeId], state.ResumedAs);
        Assert.Equal(new PendingResume(resumeId, Session.AutoResumePrompt, driver.Now), Assert.Single(state.UnlaunchedResumes));
        Assert.Contains($"resumed the session on a live node as {resumeId}", state.Error.Suggestion);
        Assert.DoesNotContain("sessionctl resume", state.Error.Suggestion);

        // The owed launch continues the agent's conversation, and auto-resumes again should its node be lost too.
        var launch = Session.LaunchOf(state, state.UnlaunchedResumes[0]);
        Assert.Equal(new ResumeLink(SessionDriver.Id, SessionDriver.AgentSessionId), launch.Spec.ResumedFrom);
        Assert.True(launch.Spec.AutoResume);
        Assert.Equal(Session.AutoResumePrompt, launch.Spec.Prompt);
    }

    [Fact]
    public void Every_node_that_marks_the_loss_names_the_same_resume_and_only_the_first_mark_counts()
    {
        var driver = SessionDriver.In(SessionStatus.Running, autoResume: true);

        driver.Accept(at => new MarkNodeLost(SessionDriver.Node, at));
        var again = driver.Send(at => new MarkNodeLost(SessionDriver.Node, at));

        Assert.Empty(again.Events);
        Assert.Single(driver.S.ResumedAs);
        Assert.Equal(Session.AutoResumeIdOf(SessionDriver.Id), Session.AutoResumeIdOf(SessionDriver.Id));
        Assert.NotEqual(Session.AutoResumeIdOf("s-1"), Session.AutoResumeIdOf("s-2"));
        Assert.Matches("^[0-9a-f]{12}$", Session.AutoResumeIdOf(SessionDriver.Id));
    }

    [Fact]
    public void A_session_whose_agent_never_began_a_conversation_only_fails_and_says_to_launch_again()
    {
        var driver = SessionDriver.Launched(autoResume: true);

        var decision = driver.Send(at => new MarkNodeLost(SessionDriver.Node, at));

        Assert.IsType<SessionFailed>(Assert.Single(decision.Events));
        Assert.Empty(driver.S.ResumedAs);
        Assert.Contains("launch it again", driver.S.Error!.Suggestion);
    }

    [Fact]
    public void Without_auto_resume_a_lost_session_only_fails()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => new MarkNodeLost(SessionDriver.Node, at));

        Assert.IsType<SessionFailed>(Assert.Single(decision.Events));
        Assert.Empty(driver.S.UnlaunchedResumes);
    }

    [Fact]
    public void A_session_that_ends_by_itself_is_never_resumed_automatically()
    {
        var driver = SessionDriver.In(SessionStatus.Running, autoResume: true);

        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(1), at));

        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Empty(driver.S.ResumedAs);
    }
}
