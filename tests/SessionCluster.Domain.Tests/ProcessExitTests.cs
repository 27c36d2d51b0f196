namespace SessionCluster.Domain.Tests;

public class ProcessExitTests
{
    private static ErrorContext FailWith(SessionStatus status, AgentExit exit, string agent = "claude")
    {
        var driver = SessionDriver.In(status, agent: agent);
        var decision = driver.Send(at => new RecordProcessExit(exit, at));
        Assert.Collection(
            decision.Events,
            e => Assert.Equal(new AgentProcessExited(exit.ExitCode, exit.Signal, driver.Now), e),
            e => Assert.IsType<SessionFailed>(e));
        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Equal(driver.Now, driver.S.FinishedAt);
        Assert.Null(driver.S.Pid);
        Assert.Equal(exit.ExitCode, driver.S.LastExitCode);
        Assert.Equal(exit.Signal, driver.S.LastSignal);
        var error = Assert.IsType<ErrorContext>(driver.S.Error);
        Assert.Equal(((SessionFailed)decision.Events[1]).Error, error);
        return error;
    }

    [Fact]
    public void A_clean_exit_while_waiting_completes_the_session()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);

        var decision = driver.Send(at => new RecordProcessExit(SessionDriver.Exit(0, stderr: "bye"), at));

        Assert.Collection(
            decision.Events,
            e => Assert.Equal(new AgentProcessExited(0, null, driver.Now), e),
            e => Assert.Equal(new SessionCompleted(driver.Now), e));
        Assert.Equal(SessionStatus.Completed, driver.S.Status);
        Assert.Equal(WaitingReason.None, driver.S.WaitingReason);
        Assert.Equal(driver.Now, driver.S.FinishedAt);
        Assert.Null(driver.S.Pid);
        Assert.Equal(0, driver.S.LastExitCode);
        Assert.Null(driver.S.Error);
    }

    [Theory]
    [InlineData(1, null, ErrorKind.NonZeroExit)]
    [InlineData(0, 9, ErrorKind.CrashBySignal)]
    [InlineData(null, 15, ErrorKind.CrashBySignal)]
    public void An_unclean_exit_while_waiting_fails_the_session(int? code, int? signal, ErrorKind kind)
    {
        Assert.Equal(kind, FailWith(SessionStatus.WaitingForInput, SessionDriver.Exit(code, signal)).Kind);
    }

    [Fact]
    public void A_clean_exit_while_waiting_with_an_observed_failure_fails_the_session()
    {
        var error = FailWith(
            SessionStatus.WaitingForInput,
            SessionDriver.Exit(0, observed: ErrorKind.ModelApiError, observedMessage: "529 overloaded"));
        Assert.Equal(ErrorKind.ModelApiError, error.Kind);
        Assert.Equal("529 overloaded", error.Message);
    }

    [Theory]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.Starting)]
    public void A_signal_is_a_crash_by_signal(SessionStatus status)
    {
        var error = FailWith(status, SessionDriver.Exit(137, signal: 9));

        Assert.Equal(ErrorKind.CrashBySignal, error.Kind);
        Assert.Equal("crash-by-signal", error.Kind.ToWire());
        Assert.Equal("claude was killed by signal 9", error.Message);
        Assert.Equal(137, error.ExitCode);
        Assert.Equal(9, error.Signal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(255)]
    public void A_non_zero_exit_while_running_is_non_zero_exit(int code)
    {
        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(code, stderr: "error: boom"));

        Assert.Equal(ErrorKind.NonZeroExit, error.Kind);
        Assert.Equal($"claude exited with code {code}", error.Message);
        Assert.Equal(code, error.ExitCode);
        Assert.Null(error.Signal);
        Assert.Equal("error: boom", error.StderrTail);
    }

    [Fact]
    public void A_zero_exit_while_running_is_no_result()
    {
        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(0));

        Assert.Equal(ErrorKind.NoResult, error.Kind);
        Assert.Equal("claude exited (code 0) before it finished its turn", error.Message);
        Assert.Equal(0, error.ExitCode);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(null, 9)]
    public void An_observed_failure_wins_over_the_exit(int? code, int? signal)
    {
        var error = FailWith(
            SessionStatus.Running,
            SessionDriver.Exit(code, signal, ErrorKind.Auth, "401 invalid x-api-key", stderr: "auth failed"));

        Assert.Equal(ErrorKind.Auth, error.Kind);
        Assert.Equal("401 invalid x-api-key", error.Message);
        Assert.Equal(code, error.ExitCode);
        Assert.Equal(signal, error.Signal);
        Assert.Equal("auth failed", error.StderrTail);
        Assert.Contains("ANTHROPIC_API_KEY", error.Suggestion);
    }

    [Fact]
    public void An_observed_failure_without_a_message_gets_a_generic_one()
    {
        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(1, observed: ErrorKind.ModelApiUnreachable));

        Assert.Equal(ErrorKind.ModelApiUnreachable, error.Kind);
        Assert.Equal("claude exited (code 1) before it finished its turn", error.Message);
    }

    [Theory]
    [InlineData("claude", "ANTHROPIC_API_KEY", "OPENAI_API_KEY")]
    [InlineData("codex", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")]
    public void The_auth_suggestion_names_the_agents_credential(string agent, string credential, string other)
    {
        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(1, observed: ErrorKind.Auth), agent);

        Assert.Contains($"Set a valid {credential}", error.Suggestion);
        Assert.Contains($"`sessionctl launch --env {credential}`", error.Suggestion);
        Assert.DoesNotContain("=", error.Suggestion);
        Assert.DoesNotContain(other, error.Suggestion);
        Assert.Contains("sessionctl resume s-1", error.Suggestion);
    }

    [Fact]
    public void Tails_are_cut_to_2000_and_500_characters_keeping_the_end()
    {
        var stderr = "S" + new string('e', 4000) + "END-OF-STDERR";
        var output = "O" + new string('o', 1000) + "END-OF-OUTPUT";

        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(1, stderr: stderr, output: output));

        Assert.Equal(2000, ErrorContext.StderrTailChars);
        Assert.Equal(500, ErrorContext.OutputTailChars);
        Assert.Equal(stderr[^2000..], error.StderrTail);
        Assert.Equal(output[^500..], error.OutputTail);
        Assert.EndsWith("END-OF-STDERR", error.StderrTail);
        Assert.EndsWith("END-OF-OUTPUT", error.OutputTail);
    }

    [Fact]
    public void Short_tails_are_kept_whole()
    {
        var stderr = new string('e', 2000);
        var output = new string('o', 500);

        var error = FailWith(SessionStatus.Running, SessionDriver.Exit(1, stderr: stderr, output: output));

        Assert.Equal(stderr, error.StderrTail);
        Assert.Equal(output, error.OutputTail);
    }

    public static TheoryData<string> TerminalWithProcess() => new()
    {
        "completed-single-turn",
        "failed-by-node-lost",
        "failed-by-launch-failure",
        "killed",
        "interrupted",
    };

    private static SessionDriver FinishedWithProcess(string how)
    {
        switch (how)
        {
            case "completed-single-turn":
                var single = SessionDriver.In(SessionStatus.Running, multiTurn: false);
                single.Accept(at => SessionDriver.TurnResult(at));
                return single;
            case "failed-by-node-lost":
                var lost = SessionDriver.In(SessionStatus.Running);
                lost.Accept(at => new MarkNodeLost(SessionDriver.Node, at));
                return lost;
            case "failed-by-launch-failure":
                var failed = SessionDriver.In(SessionStatus.Running);
                failed.Accept(at => new RecordLaunchFailure(ErrorKind.BadWorkdir, "gone", "node-a", at));
                return failed;
            case "killed":
                return SessionDriver.In(SessionStatus.Killed);
            case "interrupted":
                return SessionDriver.In(SessionStatus.Interrupted);
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }
    }

    [Theory]
    [MemberData(nameof(TerminalWithProcess))]
    public void An_exit_after_the_session_finished_is_recorded_once(string how)
    {
        var driver = FinishedWithProcess(how);
        Assert.True(driver.S.IsFinished);
        Assert.Equal(SessionDriver.Pid, driver.S.Pid);
        var status = driver.S.Status;
        var finishedAt = driver.S.FinishedAt;
        var error = driver.S.Error;

        var first = driver.Send(at => new RecordProcessExit(SessionDriver.Exit(3, observed: ErrorKind.Auth), at));

        Assert.Equal(new AgentProcessExited(3, null, driver.Now), Assert.Single(first.Events));
        Assert.Null(driver.S.Pid);
        Assert.Equal(3, driver.S.LastExitCode);
        Assert.Equal(status, driver.S.Status);
        Assert.Equal(finishedAt, driver.S.FinishedAt);
        Assert.Equal(error, driver.S.Error);

        var after = driver.S;
        var second = driver.Send(at => new RecordProcessExit(SessionDriver.Exit(4), at));

        Assert.True(second.IsAccepted);
        Assert.Empty(second.Events);
        Assert.Same(after, driver.S);
    }

    [Theory]
    [InlineData(SessionStatus.Completed)]
    [InlineData(SessionStatus.Failed)]
    public void An_exit_after_the_exit_that_finished_the_session_yields_nothing(SessionStatus status)
    {
        var driver = SessionDriver.In(status);
        Assert.Null(driver.S.Pid);
        var before = driver.S;

        var decision = driver.Send(at => new RecordProcessExit(SessionDriver.Exit(1), at));

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Same(before, driver.S);
    }

    [Fact]
    public void A_restarted_process_is_counted_and_its_exit_clears_the_pid()
    {
        var driver = SessionDriver.In(SessionStatus.WaitingForInput);
        Assert.Equal(1, driver.S.ProcessCount);
        driver.Accept(at => new Respond("more", false, at));
        driver.Accept(at => new RecordProcessStarted("node-b", 777, at));

        Assert.Equal(2, driver.S.ProcessCount);
        Assert.Equal("node-b", driver.S.Node);
        Assert.Equal(777, driver.S.Pid);
        Assert.Equal(SessionStatus.Running, driver.S.Status);

        driver.Accept(at => new RecordProcessExit(SessionDriver.Exit(1), at));
        Assert.Null(driver.S.Pid);
        Assert.Equal("node-b", driver.S.Node);
    }
}
