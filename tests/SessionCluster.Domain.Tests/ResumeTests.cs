using System.Collections.Immutable;

namespace SessionCluster.Domain.Tests;

public class ResumeTests
{
    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Killed)]
    [InlineData(SessionStatus.Interrupted)]
    public void A_finished_session_with_an_agent_conversation_records_its_resume(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        var finishedAt = driver.S.FinishedAt;

        var decision = driver.Send(at => new Resume("s-2", at));

        Assert.Equal(new SessionResumedAs("s-2", driver.Now, Session.DefaultResumePrompt), Assert.Single(decision.Events));
        Assert.Equal(["s-2"], driver.S.ResumedAs);
        Assert.Equal([new PendingResume("s-2", Session.DefaultResumePrompt, driver.Now)], driver.S.UnlaunchedResumes);
        Assert.Equal(status, driver.S.Status);
        Assert.Equal(finishedAt, driver.S.FinishedAt);
        Assert.Equal(driver.Now, driver.S.UpdatedAt);
    }

    [Fact]
    public void Every_resume_is_listed_oldest_first()
    {
        var driver = SessionDriver.In(SessionStatus.Failed);

        driver.Accept(at => new Resume("s-2", at));
        driver.Accept(at => new Resume("s-3", at));
        driver.Accept(at => new Resume("s-4", at));

        Assert.Equal(["s-2", "s-3", "s-4"], driver.S.ResumedAs);
    }

    [Theory]
    [InlineData(SessionStatus.Starting)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_live_session_cannot_be_resumed(SessionStatus status)
    {
        var driver = SessionDriver.In(status);

        var decision = driver.Send(at => new Resume("s-2", at));

        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Equal(
            $"cannot resume session s-1: it is {status.ToWire()}; interrupt or kill it first, or respond to it",
            decision.Rejection.Reason);
        Assert.Empty(driver.S.ResumedAs);
    }

    [Theory]
    [InlineData("kill")]
    [InlineData("interrupt")]
    [InlineData("launch-failure")]
    public void A_session_whose_agent_never_started_a_conversation_cannot_be_resumed(string how)
    {
        var driver = SessionDriver.Launched();
        driver.Accept(at => how switch
        {
            "kill" => new Kill(at),
            "interrupt" => new Interrupt(at),
            _ => new RecordLaunchFailure(ErrorKind.AgentBinaryMissing, "not found", "node-a", at),
        });
        Assert.Null(driver.S.AgentSessionId);

        var decision = driver.Send(at => new Resume("s-2", at));

        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Equal(
            $"cannot resume session s-1: its agent never started a conversation (status {driver.S.Status.ToWire()}); launch it again",
            decision.Rejection.Reason);
        Assert.Empty(driver.S.ResumedAs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_new_id_is_invalid_input(string newId)
    {
        var decision = SessionDriver.In(SessionStatus.Killed).Send(at => new Resume(newId, at));
        Assert.Equal(RejectionCode.InvalidInput, decision.Rejection!.Code);
    }

    [Fact]
    public void A_session_cannot_be_resumed_as_itself()
    {
        var driver = SessionDriver.In(SessionStatus.Killed);
        Assert.Equal(RejectionCode.InvalidInput, driver.Send(at => new Resume(driver.S.Id, at)).Rejection!.Code);
    }

    [Fact]
    public void A_repeated_resume_as_the_same_new_session_is_an_idempotent_success_without_a_new_event()
    {
        var driver = SessionDriver.In(SessionStatus.Killed);
        driver.Accept(at => new Resume("s-2", at));
        var before = driver.S;

        var repeat = driver.Send(at => new Resume("s-2", at));

        Assert.True(repeat.IsAccepted);
        Assert.Empty(repeat.Events);
        Assert.Equal(["s-2"], driver.S.ResumedAs);
        Assert.Equal(before.UpdatedAt, driver.S.UpdatedAt);
    }

    [Fact]
    public void A_repeated_resume_is_accepted_before_any_other_rule_and_a_new_id_still_gets_them()
    {
        var driver = SessionDriver.In(SessionStatus.Failed);
        driver.Accept(at => new Resume("s-2", at));

        Assert.True(driver.Send(at => new Resume("s-2", at)).IsAccepted);
        Assert.Equal(RejectionCode.InvalidInput, driver.Send(at => new Resume(" ", at)).Rejection!.Code);
        Assert.Single(driver.Send(at => new Resume("s-3", at)).Events);
    }

    [Fact]
    public void ResumeLaunch_continues_the_same_conversation_with_the_same_settings()
    {
        var from = SessionDriver.In(SessionStatus.Interrupted, maxAutoResponds: 3).S;
        var at = SessionDriver.T0.AddDays(1);

        var launch = Session.ResumeLaunch(from, "s-2", "Now write the docs", at);

        Assert.Equal("s-2", launch.Id);
        Assert.Equal("fix the bug (resumed)", launch.Name);
        Assert.Equal(from.Agent, launch.Spec.Agent);
        Assert.Equal("Now write the docs", launch.Spec.Prompt);
        Assert.Equal(from.Workdir, launch.Spec.Workdir);
        Assert.Equal("sonnet-4", launch.Spec.Model); // the model the agent reported
        Assert.Equal(from.MultiTurn, launch.Spec.MultiTurn);
        Assert.Equal(3, launch.Spec.MaxAutoResponds);
        Assert.Same(from.Env, launch.Spec.Env);
        Assert.Equal(from.PermissionMode, launch.Spec.PermissionMode);
        Assert.Equal(new ResumeLink("s-1", SessionDriver.AgentSessionId), launch.Spec.ResumedFrom);
        Assert.Equal(at, launch.At);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ResumeLaunch_has_a_default_prompt(string? prompt)
    {
        var from = SessionDriver.In(SessionStatus.Completed).S;
        var launch = Session.ResumeLaunch(from, "s-2", prompt, SessionDriver.T0);
        Assert.Equal(Session.DefaultResumePrompt, launch.Spec.Prompt);
        Assert.Equal("Continue where you left off.", launch.Spec.Prompt);
    }

    [Fact]
    public void ResumeLaunch_of_a_session_without_conversation_is_refused_at_launch()
    {
        var driver = SessionDriver.Launched();
        driver.Accept(at => new Kill(at));

        var launch = Session.ResumeLaunch(driver.S, "s-2", null, SessionDriver.T0);

        Assert.Equal(new ResumeLink("s-1", ""), launch.Spec.ResumedFrom);
        var decision = Session.Decide(null, launch);
        Assert.Equal(new Rejection(RejectionCode.InvalidInput, "session s-1 has no agent session to resume"), decision.Rejection);
    }

    [Fact]
    public void The_resumed_session_starts_fresh_but_remembers_where_it_came_from()
    {
        var a = SessionDriver.In(SessionStatus.Failed);
        a.Accept(at => new Resume("s-2", at));

        var b = SessionDriver.Empty();
        b.Accept(at => Session.ResumeLaunch(a.S, "s-2", null, at));

        var state = b.S;
        Assert.Equal("s-2", state.Id);
        Assert.Equal("s-1", state.ResumedFromId);
        Assert.Equal(SessionStatus.Starting, state.Status);
        Assert.Null(state.AgentSessionId); // the agent reports the id of the continued conversation itself
        Assert.Equal(0, state.TurnsCompleted);
        Assert.Equal(0m, state.CostUsd);
        Assert.Empty(state.ResumedAs);
        Assert.Null(state.Error);
    }

    [Fact]
    public void A_chain_of_resumes_links_every_session_both_ways()
    {
        var env = ImmutableSortedDictionary<string, string>.Empty.Add("OPENAI_API_KEY", "sk-openai-secret");

        // A: launched, ran, failed.
        var a = SessionDriver.Empty();
        a.Accept(at => SessionDriver.LaunchCommand("A", agent: "codex", env: env, at: at));
        a.Accept(at => new RecordProcessStarted("node-a", 1, at));
        a.Accept(at => new RecordAgentSessionId("thread-A", null, at));
        a.Accept(at => new RecordProcessExit(SessionDriver.Exit(1), at));

        // B resumes A, runs, is killed.
        a.Accept(at => new Resume("B", at));
        var b = SessionDriver.Empty();
        b.Accept(at => Session.ResumeLaunch(a.S, "B", "try again", at));
        b.Accept(at => new RecordProcessStarted("node-b", 2, at));
        b.Accept(at => new RecordAgentSessionId("thread-B", null, at));
        b.Accept(at => new Kill(at));

        // C resumes B.
        b.Accept(at => new Resume("C", at));
        var c = SessionDriver.Empty();
        var launchC = Session.ResumeLaunch(b.S, "C", null, c.Tick());
        c.Accept(_ => launchC);

        Assert.Null(a.S.ResumedFromId);
        Assert.Equal(["B"], a.S.ResumedAs);
        Assert.Equal("A", b.S.ResumedFromId);
        Assert.Equal(["C"], b.S.ResumedAs);
        Assert.Equal("B", c.S.ResumedFromId);
        Assert.Empty(c.S.ResumedAs);

        Assert.Equal(new ResumeLink("B", "thread-B"), launchC.Spec.ResumedFrom);
        Assert.Equal("fix the bug (resumed) (resumed)", c.S.Name);
        Assert.Equal("codex", c.S.Agent);
        Assert.Equal("/work/repo", c.S.Workdir);
        Assert.Same(env, c.S.Env);
    }
}
