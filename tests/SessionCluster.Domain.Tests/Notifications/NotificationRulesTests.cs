using SessionCluster.Domain.Notifications;
using static SessionCluster.Domain.Tests.Notifications.NotifiedSession;

namespace SessionCluster.Domain.Tests.Notifications;

/// <summary>Which decisions raise which notifications, and what they carry: every case from real <see cref="Session.Decide"/> outputs.</summary>
public class NotificationRulesTests
{
    [Fact]
    public void A_turn_that_ends_waiting_for_the_next_turn_raises_waiting_for_input_right_after_the_waiting_event()
    {
        var session = Running();
        var said = new string('x', 300) + " Shall I go on with the second test now";

        var persisted = session.Send(at => Turn(at, said));

        Assert.Collection(
            persisted,
            e => Assert.IsType<TurnCompleted>(e),
            e => Assert.Equal(WaitingReason.NextTurn, Assert.IsType<WaitingForInput>(e).Reason),
            e => Assert.Equal(session.Now, Assert.IsType<NotificationRaised>(e).At));
        var n = ((NotificationRaised)persisted[2]).Notification;
        Assert.Equal(NotificationKind.WaitingForInput, n.Kind);
        Assert.Equal((Id, Name, "claude", "waiting-for-input", Channel, "node-a"), (n.SessionId, n.SessionName, n.Agent, n.Status, n.Channel, n.Node));
        Assert.Equal(session.Now, n.At);
        Assert.Null(n.Question);
        // The last 200 characters the agent said: the turn's own words, seen because the fold applied its TurnCompleted first.
        Assert.Equal(said[^NotificationRules.WaitingTextChars..], n.LastOutput);
        Assert.Equal(["sessionctl respond abc123 \"<your answer>\""], n.Commands);
        Assert.StartsWith("⏳ Session fix-tests (abc123) is waiting for input (its turn is done).", n.Text);
        Assert.Contains("Shall I go on with the second test now", n.Text);
        Assert.EndsWith("Answer: sessionctl respond abc123 \"<your answer>\"", n.Text);
        Assert.Equal((1, 0.25m, new TokenUsage(1200, 340, 0, 0)), (n.Turns, n.CostUsd, n.Usage));
        Assert.Null(n.Duration);
    }

    [Fact]
    public void A_turn_that_ends_on_a_question_says_the_question()
    {
        var session = Running();

        session.Send(at => Turn(at, "Tests pass. Which branch shall I push to?", WaitingReason.Question, "Which branch shall I push to?"));

        var n = Assert.Single(session.Notifications);
        Assert.Equal(NotificationKind.WaitingForInput, n.Kind);
        Assert.Equal("Which branch shall I push to?", n.Question);
        Assert.StartsWith("⏳ Session fix-tests (abc123) is waiting for input: Which branch shall I push to?", n.Text);
        Assert.Contains("sessionctl respond abc123 \"<your answer>\"", n.Text);
    }

    [Fact]
    public void A_question_in_the_middle_of_a_turn_raises_waiting_for_input_with_it()
    {
        var session = Running();

        var persisted = session.Send(at => new RecordAgentFact(1, new RecordQuestion("May I delete the fixtures?", at), at));

        Assert.Collection(
            persisted,
            e => Assert.Equal(WaitingReason.Question, Assert.IsType<WaitingForInput>(e).Reason),
            e => Assert.Equal("May I delete the fixtures?", Assert.IsType<NotificationRaised>(e).Notification.Question),
            e => Assert.IsType<AgentFactApplied>(e));
    }

    [Fact]
    public void Each_permission_request_raises_one_notification_with_the_approve_and_deny_lines_and_its_waiting_raises_none()
    {
        var session = Running();

        var first = session.Send(at => new RecordPermissionRequest("req-1", "Bash", "rm -rf build/", at));
        var second = session.Send(at => new RecordPermissionRequest("req-2", "Edit", "src/app.cs", at));

        Assert.Collection(
            first,
            e => Assert.IsType<PermissionRequested>(e),
            e => Assert.Equal(NotificationKind.PermissionRequest, Assert.IsType<NotificationRaised>(e).Notification.Kind),
            e => Assert.Equal(WaitingReason.Permission, Assert.IsType<WaitingForInput>(e).Reason));
        Assert.Collection(
            second,
            e => Assert.IsType<PermissionRequested>(e),
            e => Assert.Equal(NotificationKind.PermissionRequest, Assert.IsType<NotificationRaised>(e).Notification.Kind));
        var (asked, queued) = (session.Notifications.First(), session.Notifications.Last());
        Assert.Equal(2, session.Notifications.Count());
        Assert.Equal(new PermissionRequest("req-1", "Bash", "rm -rf build/", ((PermissionRequested)first[0]).At), asked.Permission);
        Assert.Equal(["sessionctl approve abc123", "sessionctl deny abc123 --message \"<why>\""], asked.Commands);
        Assert.StartsWith("🔐 Session fix-tests (abc123) asks permission to use Bash: rm -rf build/", asked.Text);
        Assert.Contains("\nAllow: sessionctl approve abc123", asked.Text);
        Assert.Contains("\nDeny: sessionctl deny abc123 --message \"<why>\"", asked.Text);
        Assert.Equal("req-2", queued.Permission!.RequestId);
        // The CLI answers the oldest pending request: the queued one says so.
        Assert.Contains("Asked while Bash: rm -rf build/ waits for an answer", queued.Text);
        Assert.DoesNotContain("Asked while", asked.Text);
    }

    [Fact]
    public void Launched_responded_and_turn_completed_are_raised_only_when_configured()
    {
        var quiet = Running();
        quiet.Send(at => Turn(at, "Done with the first."));
        quiet.Send(at => new Respond("go on", false, at));
        Assert.Equal([NotificationKind.WaitingForInput], quiet.Notifications.Select(n => n.Kind));

        var loud = Running(AllKinds);
        loud.Send(at => Turn(at, "Done with the first."));
        loud.Send(at => new Respond("go on with the second", true, at));

        Assert.Equal(
            [NotificationKind.Launched, NotificationKind.TurnCompleted, NotificationKind.WaitingForInput, NotificationKind.Responded],
            loud.Notifications.Select(n => n.Kind));
        var (launched, turn, responded) = (loud.Notifications.First(), loud.Notifications.ElementAt(1), loud.Notifications.Last());
        Assert.Equal("starting", launched.Status);
        Assert.Equal(T0, launched.At);
        Assert.StartsWith("🚀 Session fix-tests (abc123) launched: claude in /work/repo", launched.Text);
        Assert.Contains("Prompt: Make the failing tests pass", launched.Text);
        Assert.Equal("Done with the first.", turn.LastOutput);
        Assert.StartsWith("🔁 Session fix-tests (abc123) finished turn 1 ($0.25 so far): “Done with the first.”", turn.Text);
        Assert.Equal("💬 Session fix-tests (abc123) was answered automatically: go on with the second", responded.Text);
        Assert.Equal("running", responded.Status);
    }

    [Fact]
    public void Kinds_left_out_raise_nothing_and_the_events_come_back_as_they_were()
    {
        var session = Running(new HashSet<NotificationKind>());

        var turn = Session.Decide(session.S, Turn(session.Tick(), "all done"));
        Assert.Same(turn.Events, NotificationRules.WithNotifications(session.S, turn.Events, new HashSet<NotificationKind>()));
        Assert.Same(turn.Events, NotificationRules.WithNotifications(session.S, turn.Events, new HashSet<NotificationKind> { NotificationKind.Completed }));
        Assert.NotSame(turn.Events, NotificationRules.WithNotifications(session.S, turn.Events, NotificationKinds.Default));

        // And a decision no event of which raises anything is not touched whatever the kinds.
        var started = Session.Decide(session.S, new RecordAgentFact(7, new RecordProcessStarted("node-a", 4343, session.Now), session.Now));
        Assert.Same(started.Events, NotificationRules.WithNotifications(session.S, started.Events, AllKinds));
    }

    [Fact]
    public void A_single_turn_session_that_completes_says_how_long_how_many_turns_what_it_cost_and_its_final_words()
    {
        var session = Running(multiTurn: false);

        var persisted = session.Send(at => Turn(at, "All 42 tests pass now; the flaky one waited on a timer."));

        Assert.Collection(
            persisted,
            e => Assert.IsType<TurnCompleted>(e),
            e => Assert.IsType<SessionCompleted>(e),
            e => Assert.Equal(NotificationKind.Completed, Assert.IsType<NotificationRaised>(e).Notification.Kind));
        var n = Assert.Single(session.Notifications);
        Assert.Equal("completed", n.Status);
        Assert.Equal(TimeSpan.FromMinutes(3), n.Duration);
        Assert.Equal(1, n.Turns);
        Assert.Equal("All 42 tests pass now; the flaky one waited on a timer.", n.LastOutput);
        Assert.Empty(n.Commands);
        Assert.Equal(
            "✅ Session fix-tests (abc123) completed: 3m 00s, 1 turn, $0.25.\n" +
            "Final message: “All 42 tests pass now; the flaky one waited on a timer.”",
            n.Text);
    }

    [Fact]
    public void A_multi_turn_session_that_ends_cleanly_completes_with_its_turns_and_tokens_when_it_reports_no_cost()
    {
        var session = Running(agent: "codex");
        session.Send(at => Turn(at, "First part done.", cost: 0m, usage: new TokenUsage(1500, 200, 0, 0)));
        session.Send(at => new Respond("now the second", false, at));
        session.Send(at => Turn(at, "Second part done too.", cost: 0m, usage: new TokenUsage(2500, 300, 0, 0)));

        session.Send(at => new RecordProcessExit(new AgentExit(0, null, "", "", null, null), at));

        var n = session.Notifications.Last();
        Assert.Equal(NotificationKind.Completed, n.Kind);
        Assert.Equal(TimeSpan.FromMinutes(6), n.Duration);
        Assert.Equal(2, n.Turns);
        Assert.Equal(0m, n.CostUsd);
        Assert.StartsWith("✅ Session fix-tests (abc123) completed: 6m 00s, 2 turns, 4,000 tokens in, 500 out.", n.Text);
        Assert.Contains("“Second part done too.”", n.Text);
    }

    [Fact]
    public void A_failure_for_missing_credentials_suggests_the_credential_to_set_and_offers_the_resume()
    {
        var session = Running();

        session.Send(at => new RecordProcessExit(
            new AgentExit(1, null, "Invalid API key · Please run /login\n", "{\"type\":\"result\",\"is_error\":true}", ErrorKind.Auth, "Invalid API key · Please run /login"),
            at));

        var n = Assert.Single(session.Notifications);
        Assert.Equal(NotificationKind.Failed, n.Kind);
        Assert.Equal("failed", n.Status);
        var error = Assert.IsType<ErrorContext>(n.Error);
        Assert.Equal((ErrorKind.Auth, 1, (int?)null), (error.Kind, error.ExitCode, error.Signal));
        Assert.Contains("ANTHROPIC_API_KEY", error.Suggestion);
        Assert.Equal(TimeSpan.FromMinutes(3), n.Duration);
        Assert.Equal(["sessionctl resume abc123"], n.Commands);
        Assert.StartsWith("❌ Session fix-tests (abc123) failed: Invalid API key · Please run /login\nauth · exit code 1 · 3m 00s, 0 turns, no cost reported", n.Text);
        Assert.Contains("\nstderr:\n  Invalid API key · Please run /login", n.Text);
        Assert.Contains("\noutput: {\"type\":\"result\",\"is_error\":true}", n.Text);
        Assert.Contains("What to do: The model API refused the credentials. Set a valid ANTHROPIC_API_KEY", n.Text);
        Assert.EndsWith("\nResume: sessionctl resume abc123", n.Text);
    }

    [Fact]
    public void A_failure_by_signal_shows_the_signal_the_last_stderr_lines_and_the_cost_so_far()
    {
        var session = Running();
        session.Send(at => Turn(at, "one done"));
        session.Send(at => new Respond("next", false, at));
        var stderr = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}"));

        session.Send(at => new RecordProcessExit(new AgentExit(null, 9, stderr, "partial output", null, null), at));

        var n = session.Notifications.Last();
        Assert.Equal(NotificationKind.Failed, n.Kind);
        Assert.Equal(ErrorKind.CrashBySignal, n.Error!.Kind);
        Assert.Contains("crash-by-signal · signal 9 · 5m 00s, 1 turn, $0.25", n.Text);
        Assert.Contains("stderr:\n  line 8\n  line 9\n  line 10\n", n.Text);
        Assert.DoesNotContain("line 7", n.Text);
        Assert.Contains("out of memory", n.Text);
    }

    [Fact]
    public void A_launch_that_fails_for_a_missing_workdir_names_the_path_and_offers_no_resume()
    {
        var session = Running(started: false);

        session.Send(at => new RecordLaunchFailure(ErrorKind.BadWorkdir, "no such directory: /work/repo", "node-a", at));

        var n = Assert.Single(session.Notifications);
        Assert.Equal(NotificationKind.Failed, n.Kind);
        Assert.Contains("/work/repo", n.Error!.Suggestion);
        Assert.Empty(n.Commands);
        Assert.DoesNotContain("sessionctl resume", n.Text);
    }

    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.WaitingForInput)]
    public void A_lost_node_raises_node_lost_with_the_resume_line(SessionStatus status)
    {
        var session = status == SessionStatus.Running ? Running() : Waiting();
        var before = session.Notifications.Count();

        var persisted = session.Send(at => new MarkNodeLost("node-a", at));

        Assert.Collection(
            persisted,
            e => Assert.Equal(ErrorKind.NodeLost, Assert.IsType<SessionFailed>(e).Error.Kind),
            e => Assert.Equal(NotificationKind.NodeLost, Assert.IsType<NotificationRaised>(e).Notification.Kind));
        var n = session.Notifications.Last();
        Assert.Equal(before + 1, session.Notifications.Count());
        Assert.Equal("failed", n.Status);
        Assert.Equal("node-a", n.Node);
        Assert.Equal(["sessionctl resume abc123"], n.Commands);
        Assert.StartsWith($"📡 Session fix-tests (abc123) lost its node node-a: node node-a was lost while the session was {status.ToWire()}", n.Text);
        Assert.Contains("\nResume: sessionctl resume abc123", n.Text);
    }

    [Fact]
    public void Interrupted_and_killed_are_different_notifications_with_different_words()
    {
        var interrupted = Waiting();
        interrupted.Send(at => new Interrupt(at));
        var stopped = Running();
        stopped.Send(at => new Interrupt(at, "node stopped"));
        var killed = Waiting();
        killed.Send(at => new Kill(at));

        var (i, s, k) = (interrupted.Notifications.Last(), stopped.Notifications.Last(), killed.Notifications.Last());
        Assert.Equal((NotificationKind.Interrupted, "interrupted"), (i.Kind, i.Status));
        Assert.Equal((NotificationKind.Interrupted, "interrupted"), (s.Kind, s.Status));
        Assert.Equal((NotificationKind.Killed, "killed"), (k.Kind, k.Status));
        Assert.StartsWith("⏸️ Session fix-tests (abc123) was interrupted on request while it was waiting for input: its agent is asked to stop gracefully.", i.Text);
        Assert.StartsWith("⏸️ Session fix-tests (abc123) was interrupted (node stopped) while it was running", s.Text);
        Assert.StartsWith("🛑 Session fix-tests (abc123) was killed while it was waiting for input: a hard stop", k.Text);
        Assert.DoesNotContain("interrupt", k.Text);
        Assert.DoesNotContain("kill", i.Text);
        Assert.Equal(["sessionctl resume abc123"], i.Commands);
        Assert.Empty(k.Commands);
        Assert.Equal(TimeSpan.FromMinutes(4), i.Duration);
        Assert.Equal(TimeSpan.FromMinutes(4), k.Duration);
    }

    [Fact]
    public void A_secret_named_variables_value_is_masked_in_the_question_the_output_and_the_stderr_tail()
    {
        const string secret = "ghp_s3cr3tV4lue";
        var session = Running(AllKinds);
        session.Send(at => Turn(at, $"I used {secret} to clone. Shall I push with {secret}?", WaitingReason.Question, $"Shall I push with {secret}?"));
        session.Send(at => new Respond($"yes, use {secret}", false, at));
        session.Send(at => new RecordPermissionRequest("req-1", "Bash", $"git push https://{secret}@github.com/o/r", at));
        session.Send(at => new RecordProcessExit(
            new AgentExit(1, null, $"fatal: could not read token {secret}\n", $"pushing with {secret}", null, null), at));

        var all = session.Notifications.ToList();
        Assert.Equal(
            [NotificationKind.Launched, NotificationKind.TurnCompleted, NotificationKind.WaitingForInput, NotificationKind.Responded,
                NotificationKind.PermissionRequest, NotificationKind.Failed],
            all.Select(n => n.Kind));
        Assert.All(all, n => Assert.All(TextsOf(n), text => Assert.DoesNotContain(secret, text)));
        Assert.Contains(SecretRedactor.Mask, all[2].Question);
        Assert.Contains(SecretRedactor.Mask, all[2].LastOutput);
        Assert.Contains(SecretRedactor.Mask, all[4].Permission!.Summary);
        Assert.Contains(SecretRedactor.Mask, all[5].Error!.StderrTail);
        Assert.Contains(SecretRedactor.Mask, all[5].Error!.OutputTail);
        Assert.Contains("fatal: could not read token ***", all[5].Text);
        // A value of a variable not named as a secret is left alone.
        Assert.Equal("demo", session.S.Env["PROJECT"]);
    }

    [Fact]
    public void A_channel_left_unnamed_at_launch_is_null_for_the_configured_default()
    {
        var launched = Session.Apply(null, Assert.Single(Session.Decide(null, LaunchCommand(channel: null)).Events));
        var running = Session.Apply(launched, Assert.Single(Session.Decide(launched, new RecordProcessStarted("node-a", 1, T0.AddMinutes(1))).Events));
        var question = Session.Decide(running, new RecordQuestion("Which one?", T0.AddMinutes(2)));

        var persisted = NotificationRules.WithNotifications(running, question.Events, NotificationKinds.Default);

        Assert.Null(Assert.IsType<NotificationRaised>(persisted[1]).Notification.Channel);
    }

    [Fact]
    public void Raise_gives_nothing_for_events_no_one_is_told_about()
    {
        var session = Running();
        var s = session.S;

        Assert.Null(NotificationRules.Raise(s, new WaitingForInput(WaitingReason.Permission, T0), s));
        Assert.Null(NotificationRules.Raise(s, new AgentProcessStarted("node-a", 1, T0), s));
        Assert.Null(NotificationRules.Raise(s, new PermissionDecided("req-1", true, null, false, "api", T0), s));
        Assert.Null(NotificationRules.Raise(s, new AgentFactApplied(3, T0), s));
        Assert.Null(NotificationRules.KindOf(new NotificationRaised(NotificationRules.Test("log", null, T0), T0)));
    }

    [Fact]
    public void Notifications_leave_the_state_as_the_events_alone_make_it()
    {
        var session = Running(AllKinds);
        session.Send(at => Turn(at, "done?"));
        session.Send(at => new Respond("yes", false, at));
        session.Send(at => new RecordPermissionRequest("req-1", "Bash", "ls", at));
        session.Send(at => new Kill(at));

        var withoutNotifications = session.Journal.Where(e => e is not NotificationRaised)
            .Aggregate((SessionState?)null, Session.Apply);

        Assert.Equal(withoutNotifications, session.S);
        Assert.Equal(6, session.Notifications.Count());
    }

    [Fact]
    public void A_test_notification_names_its_channel_and_has_no_session()
    {
        var n = NotificationRules.Test("ops-webhook", "node-a", T0);

        Assert.Equal((NotificationKind.Test, "", "ops-webhook", T0), (n.Kind, n.SessionId, n.Channel, n.At));
        Assert.Equal("🔔 Test notification from SessionCluster on node-a to channel ops-webhook: if you read this, the channel works.", n.Text);
    }

    private static IEnumerable<string> TextsOf(Notification n) =>
        new[]
        {
            n.Text, n.SessionName, n.Question, n.LastOutput, n.Permission?.Summary, n.Permission?.Tool,
            n.Error?.Message, n.Error?.StderrTail, n.Error?.OutputTail, n.Error?.Suggestion,
        }.Concat(n.Commands).OfType<string>();
}
