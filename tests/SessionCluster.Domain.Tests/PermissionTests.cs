namespace SessionCluster.Domain.Tests;

/// <summary>Permission requests, answers and their delivery; questions and API retries mid-turn.</summary>
public class PermissionTests
{
    private static SessionDriver Asked(string requestId = "req-1")
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => new RecordPermissionRequest(requestId, "Bash", "touch done.txt", at));
        return driver;
    }

    private static AnswerPermission Answer(DateTimeOffset at, bool allow = true, string? requestId = null, string? message = null) =>
        new(requestId, allow, message, false, AnswerPermission.ByApi, at);

    [Fact]
    public void A_request_while_running_waits_for_input_on_a_permission()
    {
        var driver = Asked();

        var s = driver.S;
        Assert.Equal(SessionStatus.WaitingForInput, s.Status);
        Assert.Equal(WaitingReason.Permission, s.WaitingReason);
        Assert.Equal(new PermissionRequest("req-1", "Bash", "touch done.txt", driver.Now), s.PendingPermission);
        Assert.Equal(AgentObligation.None, Session.ObligationOf(s));
        Assert.Equal(s, driver.Replay());
    }

    [Fact]
    public void An_answer_decides_the_pending_request_and_the_session_runs_again()
    {
        var driver = Asked();
        var requestedAt = driver.Now;

        var decision = driver.Send(at => Answer(at, allow: false, message: "not that file"));

        Assert.Equal(
            [new PermissionDecided("req-1", false, "not that file", false, AnswerPermission.ByApi, driver.Now)],
            decision.Events);
        var s = driver.S;
        Assert.Equal(SessionStatus.Running, s.Status);
        Assert.Equal(WaitingReason.None, s.WaitingReason);
        Assert.Null(s.PendingPermission);
        Assert.Equal([new PermissionAnswer("req-1", false, "not that file", false)], s.UndeliveredPermissionAnswers);
        Assert.Equal((0, 1), (s.PermissionsAllowed, s.PermissionsDenied));
        Assert.Equal(
            new PermissionDecision("req-1", "Bash", "touch done.txt", false, "not that file", "api", requestedAt, driver.Now),
            Assert.Single(s.RecentPermissions));
        Assert.Equal(AgentObligation.AnswerPermission, Session.ObligationOf(s));
    }

    [Fact]
    public void The_delivered_fact_ends_the_obligation_and_a_stale_one_changes_nothing()
    {
        var driver = Asked();
        driver.Accept(at => Answer(at));

        Assert.Empty(driver.Send(at => new RecordPermissionAnswered("req-0", at)).Events);
        Assert.Equal(AgentObligation.AnswerPermission, Session.ObligationOf(driver.S));

        Assert.IsType<PermissionAnswerDelivered>(Assert.Single(driver.Send(at => new RecordPermissionAnswered("req-1", at)).Events));
        Assert.Empty(driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
        Assert.Empty(driver.Send(at => new RecordPermissionAnswered("req-1", at)).Events);
    }

    [Fact]
    public void An_answer_with_the_pending_id_is_taken_and_one_with_another_id_is_refused_with_the_pending_one_named()
    {
        var driver = Asked();

        var wrong = driver.Send(at => Answer(at, requestId: "req-9"));
        Assert.Equal(RejectionCode.NoPendingPermission, wrong.Rejection!.Code);
        Assert.Equal("request req-9 is not pending in session s-1; the pending one is req-1 (Bash: touch done.txt)", wrong.Rejection.Reason);

        Assert.True(driver.Send(at => Answer(at, requestId: "req-1")).IsAccepted);
        Assert.Equal(1, driver.S.PermissionsAllowed);
    }

    [Fact]
    public void An_answer_when_nothing_is_pending_says_why()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => Answer(at));

        Assert.Equal(
            new Rejection(RejectionCode.NoPendingPermission, "session s-1 has no pending permission request: it is running"),
            decision.Rejection);
    }

    [Fact]
    public void A_second_answer_to_the_same_request_says_how_it_was_answered()
    {
        var driver = Asked();
        driver.Accept(at => AnswerPermission.TimedOut("req-1", TimeSpan.FromMinutes(30), at));
        var decidedAt = driver.Now;

        var decision = driver.Send(at => Answer(at, requestId: "req-1"));

        Assert.Equal(RejectionCode.NoPendingPermission, decision.Rejection!.Code);
        Assert.Equal($"request req-1 of session s-1 was already answered: denied by timeout at {decidedAt:O}", decision.Rejection.Reason);
        var decided = Assert.Single(driver.S.RecentPermissions);
        Assert.Equal("no one answered within 30 minutes; denied automatically", decided.Message);
        Assert.Equal(AnswerPermission.ByTimeout, decided.By);
    }

    [Fact]
    public void A_respond_while_waiting_on_a_permission_is_refused_with_a_hint()
    {
        var driver = Asked();

        var decision = driver.Send(at => new Respond("go on", false, at));

        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Contains("waits on permission request req-1 (Bash: touch done.txt); approve or deny it first", decision.Rejection.Reason);
        Assert.Contains("POST /api/sessions/s-1/permission", decision.Rejection.Reason);
    }

    [Fact]
    public void Interrupt_and_kill_work_while_waiting_and_clear_the_request()
    {
        foreach (var stop in new Func<DateTimeOffset, SessionCommand>[] { at => new Interrupt(at), at => new Kill(at) })
        {
            var driver = Asked();
            driver.Accept(stop);
            Assert.True(driver.S.IsFinished);
            Assert.Null(driver.S.PendingPermission);
            Assert.Equal(RejectionCode.NoPendingPermission, driver.Send(at => Answer(at)).Rejection!.Code);
        }
    }

    [Fact]
    public void The_process_exiting_clears_the_pending_request_and_fails_the_session()
    {
        var driver = Asked();

        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(0), at));

        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Null(driver.S.PendingPermission);
    }

    [Fact]
    public void The_process_exiting_drops_an_undelivered_answer()
    {
        var driver = Asked();
        driver.Accept(at => Answer(at));

        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(1), at));

        Assert.Empty(driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
    }

    [Fact]
    public void A_kill_takes_precedence_over_delivering_an_answer()
    {
        var driver = Asked();
        driver.Accept(at => Answer(at));

        driver.Accept(at => new Kill(at));

        Assert.Equal(AgentObligation.Kill, Session.ObligationOf(driver.S));
    }

    /// <summary>Asked req-1 (Bash), then req-2 (Edit) and req-3 (Write) while req-1 is pending: parallel tool uses.</summary>
    private static SessionDriver AskedThree()
    {
        var driver = Asked();
        driver.Accept(at => new RecordPermissionRequest("req-2", "Edit", "a.txt", at));
        driver.Accept(at => new RecordPermissionRequest("req-3", "Write", "b.txt", at));
        return driver;
    }

    [Fact]
    public void Requests_asked_while_one_is_pending_queue_behind_it_in_order()
    {
        var driver = Asked();
        var firstAt = driver.Now;

        var second = driver.Send(at => new RecordPermissionRequest("req-2", "Edit", "a.txt", at));
        var secondAt = driver.Now;
        driver.Accept(at => new RecordPermissionRequest("req-3", "Write", "b.txt", at));

        // The session already waits: the request only is recorded.
        Assert.Equal([new PermissionRequested("req-2", "Edit", "a.txt", secondAt)], second.Events);
        var s = driver.S;
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission), (s.Status, s.WaitingReason));
        Assert.Equal(new PermissionRequest("req-1", "Bash", "touch done.txt", firstAt), s.PendingPermission);
        Assert.Equal(["req-2", "req-3"], s.QueuedPermissions.Select(q => q.RequestId));
        Assert.Equal(new PermissionRequest("req-2", "Edit", "a.txt", secondAt), s.QueuedPermissions[0]);
        Assert.Equal(s.QueuedPermissions, driver.Replay().QueuedPermissions);
    }

    [Fact]
    public void Answering_the_pending_one_makes_the_next_pending_and_the_session_keeps_waiting()
    {
        var driver = AskedThree();

        var decision = driver.Send(at => Answer(at));

        Assert.Equal([new PermissionDecided("req-1", true, null, false, AnswerPermission.ByApi, driver.Now)], decision.Events);
        var s = driver.S;
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission), (s.Status, s.WaitingReason));
        Assert.Equal("req-2", s.PendingPermission!.RequestId);
        Assert.Equal(["req-3"], s.QueuedPermissions.Select(q => q.RequestId));
        Assert.Equal(AgentObligation.AnswerPermission, Session.ObligationOf(s));
        // Never running in between: it waits on req-3 next, and runs again once nothing is left.
        driver.Accept(at => Answer(at, allow: false));
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission, "req-3"), (driver.S.Status, driver.S.WaitingReason, driver.S.PendingPermission?.RequestId));
        Assert.Empty(driver.S.QueuedPermissions);
        driver.Accept(at => Answer(at));
        Assert.Equal((SessionStatus.Running, WaitingReason.None), (driver.S.Status, driver.S.WaitingReason));
        Assert.Null(driver.S.PendingPermission);
        Assert.Single(driver.History, e => e is WaitingForInput);
        Assert.Equal(["req-1", "req-2", "req-3"], driver.S.RecentPermissions.Select(d => d.RequestId));
        Assert.Equal(["Bash", "Edit", "Write"], driver.S.RecentPermissions.Select(d => d.Tool));
        Assert.Equal((2, 1), (driver.S.PermissionsAllowed, driver.S.PermissionsDenied));
    }

    [Fact]
    public void A_queued_request_may_be_answered_by_its_id_and_the_pending_one_stays()
    {
        var driver = AskedThree();

        var decision = driver.Send(at => Answer(at, allow: false, requestId: "req-3", message: "no"));

        Assert.Equal([new PermissionDecided("req-3", false, "no", false, AnswerPermission.ByApi, driver.Now)], decision.Events);
        var s = driver.S;
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission), (s.Status, s.WaitingReason));
        Assert.Equal("req-1", s.PendingPermission!.RequestId);
        Assert.Equal(["req-2"], s.QueuedPermissions.Select(q => q.RequestId));
        var decided = Assert.Single(s.RecentPermissions);
        Assert.Equal(("req-3", "Write", "b.txt"), (decided.RequestId, decided.Tool, decided.Summary));
        Assert.Contains("already answered", driver.Send(at => Answer(at, requestId: "req-3")).Rejection!.Reason);
    }

    [Fact]
    public void An_answer_to_an_unknown_id_names_the_pending_request_and_the_queued_ones()
    {
        var driver = AskedThree();

        var wrong = driver.Send(at => Answer(at, requestId: "req-9"));

        Assert.Equal(
            "request req-9 is not pending in session s-1; the pending one is req-1 (Bash: touch done.txt) (asked after it: req-2, req-3)",
            wrong.Rejection!.Reason);
    }

    [Fact]
    public void A_redelivered_request_id_changes_nothing()
    {
        var driver = AskedThree();
        var before = driver.S;

        foreach (var id in new[] { "req-1", "req-2", "req-3" })
        {
            Assert.Empty(driver.Send(at => new RecordPermissionRequest(id, "Bash", "again", at)).Events);
        }

        Assert.Same(before, driver.S);

        // Answered and not yet delivered: the agent still waits on it, so it is a redelivery too.
        driver.Accept(at => Answer(at));
        Assert.Empty(driver.Send(at => new RecordPermissionRequest("req-1", "Bash", "again", at)).Events);
        Assert.Equal(["req-3"], driver.S.QueuedPermissions.Select(q => q.RequestId));
    }

    [Fact]
    public void Two_answers_are_both_undelivered_until_each_is_delivered()
    {
        var driver = AskedThree();
        driver.Accept(at => Answer(at, allow: false, message: "no"));
        driver.Accept(at => Answer(at));

        Assert.Equal(
            [new PermissionAnswer("req-1", false, "no", false), new PermissionAnswer("req-2", true, null, false)],
            driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(driver.S.UndeliveredPermissionAnswers, driver.Replay().UndeliveredPermissionAnswers);

        Assert.IsType<PermissionAnswerDelivered>(Assert.Single(driver.Send(at => new RecordPermissionAnswered("req-2", at)).Events));
        Assert.Equal([new PermissionAnswer("req-1", false, "no", false)], driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(AgentObligation.AnswerPermission, Session.ObligationOf(driver.S));

        Assert.IsType<PermissionAnswerDelivered>(Assert.Single(driver.Send(at => new RecordPermissionAnswered("req-1", at)).Events));
        Assert.Empty(driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
    }

    [Fact]
    public void The_process_exiting_clears_pending_queued_and_undelivered()
    {
        var driver = AskedThree();
        driver.Accept(at => Answer(at));

        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(1), at));

        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Null(driver.S.PendingPermission);
        Assert.Empty(driver.S.QueuedPermissions);
        Assert.Empty(driver.S.UndeliveredPermissionAnswers);
        Assert.Equal(AgentObligation.None, Session.ObligationOf(driver.S));
    }

    [Fact]
    public void Finishing_clears_the_queue_too()
    {
        var driver = AskedThree();
        driver.Accept(at => Answer(at));

        driver.Accept(at => new Interrupt(at));

        Assert.Null(driver.S.PendingPermission);
        Assert.Empty(driver.S.QueuedPermissions);
        Assert.Empty(driver.S.UndeliveredPermissionAnswers);
        Assert.Empty(driver.Send(at => new RecordPermissionRequest("req-4", "Bash", "ls", at)).Events);
    }

    [Fact]
    public void Requests_are_agent_facts()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => new RecordAgentFact(1, new RecordPermissionRequest("req-1", "Bash", "ls", at), at));

        Assert.Equal(["PermissionRequested", "WaitingForInput", "AgentFactApplied"], decision.Events.Select(e => e.GetType().Name));
        Assert.True(driver.Send(at => new RecordAgentFact(2, new RecordPermissionAnswered("req-1", at), at)).IsAccepted);
        Assert.False(driver.Send(at => new RecordAgentFact(3, Answer(at), at)).IsAccepted);
    }

    [Fact]
    public void Only_the_last_twenty_decisions_are_kept_but_all_are_counted()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        for (var i = 1; i <= 25; i++)
        {
            var id = $"req-{i}";
            driver.Accept(at => new RecordPermissionRequest(id, "Bash", "ls", at));
            driver.Accept(at => Answer(at, allow: i % 5 != 0));
            driver.Accept(at => new RecordPermissionAnswered(id, at));
        }

        Assert.Equal(SessionState.RecentPermissionsKept, driver.S.RecentPermissions.Count);
        Assert.Equal("req-6", driver.S.RecentPermissions[0].RequestId);
        Assert.Equal("req-25", driver.S.RecentPermissions[^1].RequestId);
        Assert.Equal((20, 5), (driver.S.PermissionsAllowed, driver.S.PermissionsDenied));
        Assert.Equal(driver.S.RecentPermissions, driver.Replay().RecentPermissions);
    }

    [Fact]
    public void A_question_mid_turn_waits_with_its_text_and_a_respond_answers_it()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        driver.Accept(at => new RecordQuestion("Which branch?", at));
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Question, "Which branch?"), (driver.S.Status, driver.S.WaitingReason, driver.S.Question));

        driver.Accept(at => new Respond("main", false, at));
        Assert.Equal(SessionStatus.Running, driver.S.Status);
        Assert.Null(driver.S.Question);
    }

    [Fact]
    public void A_turn_that_ends_on_a_question_carries_its_text_and_counts_its_denials()
    {
        var driver = SessionDriver.In(SessionStatus.Running);

        var decision = driver.Send(at => SessionDriver.TurnResult(at, next: WaitingReason.Question, question: "Shall I push?", permissionDenials: 2));

        Assert.Equal(2, Assert.IsType<TurnCompleted>(decision.Events[0]).PermissionDenials);
        Assert.Equal(new WaitingForInput(WaitingReason.Question, driver.Now, "Shall I push?"), decision.Events[1]);
        Assert.Equal(2, driver.S.LastTurnDenials);
        Assert.Equal("Shall I push?", driver.S.Question);
    }

    [Fact]
    public void A_question_is_not_carried_on_a_next_turn()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => SessionDriver.TurnResult(at, question: "ignored"));
        Assert.Null(driver.S.Question);
    }

    [Fact]
    public void An_api_retry_shows_until_the_turn_ends()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => new RecordApiRetry(1, "HTTP 529 overloaded", at));
        var since = driver.Now;
        driver.Accept(at => new RecordApiRetry(2, "HTTP 529 overloaded", at));

        Assert.Equal(new ApiRetry(2, "HTTP 529 overloaded", since), driver.S.ApiRetry);

        driver.Accept(at => SessionDriver.TurnResult(at));
        Assert.Null(driver.S.ApiRetry);
    }

    [Fact]
    public void An_api_retry_is_cleared_when_the_session_finishes()
    {
        var driver = SessionDriver.In(SessionStatus.Running);
        driver.Accept(at => new RecordApiRetry(1, "connection refused", at));
        driver.Accept(at => new Kill(at));
        Assert.Null(driver.S.ApiRetry);
    }

    [Theory]
    [InlineData(30 * 60, "30 minutes")]
    [InlineData(60, "1 minute")]
    [InlineData(1.5, "1.5 seconds")]
    public void The_timeout_says_how_long_nobody_answered(double seconds, string said)
    {
        var answer = AnswerPermission.TimedOut("r", TimeSpan.FromSeconds(seconds), SessionDriver.T0);
        Assert.Equal($"no one answered within {said}; denied automatically", answer.Message);
        Assert.False(answer.Allow);
    }
}
