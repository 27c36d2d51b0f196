namespace SessionCluster.Domain.Tests;

public class FailureClassifierTests
{
    private static SessionState Running(string agent = "claude") => SessionDriver.In(SessionStatus.Running, agent: agent).S;

    [Theory]
    [InlineData(1, null, null, ErrorKind.NonZeroExit)]
    [InlineData(0, null, null, ErrorKind.NoResult)]
    [InlineData(0, 9, null, ErrorKind.CrashBySignal)]
    [InlineData(null, 6, null, ErrorKind.CrashBySignal)]
    [InlineData(1, 9, ErrorKind.BadWorkdir, ErrorKind.BadWorkdir)]
    [InlineData(0, null, ErrorKind.AgentError, ErrorKind.AgentError)]
    public void Classify_picks_the_kind(int? code, int? signal, ErrorKind? observed, ErrorKind expected)
    {
        var error = FailureClassifier.Classify(Running(), SessionDriver.Exit(code, signal, observed));
        Assert.Equal(expected, error.Kind);
        Assert.Equal(RecoveryHints.For(expected, Running()), error.Suggestion);
    }

    [Fact]
    public void Classify_uses_the_agent_name_in_its_messages()
    {
        var codex = Running("codex");
        Assert.Equal("codex exited with code 3", FailureClassifier.Classify(codex, SessionDriver.Exit(3)).Message);
        Assert.Equal("codex was killed by signal 11", FailureClassifier.Classify(codex, SessionDriver.Exit(null, 11)).Message);
        Assert.Equal(
            "codex exited (code 0) before it finished its turn",
            FailureClassifier.Classify(codex, SessionDriver.Exit(0)).Message);
    }

    [Fact]
    public void An_observed_no_result_without_exit_code_says_none()
    {
        var error = FailureClassifier.Classify(Running(), SessionDriver.Exit(null, observed: ErrorKind.NoResult));
        Assert.Equal("claude exited (code none) before it finished its turn", error.Message);
    }

    /// <summary>
    /// Regression: an exit with neither exit code nor signal (the process could not be waited on) is classified
    /// as non-zero-exit, because <c>null is not 0</c> is true; the message then reads "claude exited with code "
    /// with nothing after it, and the suggestion says the agent "exited with an error" although nothing says so.
    /// The no-result branch already renders a missing code as "none", so that is where it belongs.
    /// </summary>
    [Fact]
    public void An_exit_without_code_or_signal_is_no_result_not_a_blank_non_zero_exit()
    {
        var error = FailureClassifier.Classify(Running(), SessionDriver.Exit(null));

        Assert.DoesNotMatch("code $", error.Message);
        Assert.Equal(ErrorKind.NoResult, error.Kind);
        Assert.Equal("claude exited (code none) before it finished its turn", error.Message);
    }

    [Fact]
    public void Classify_cuts_the_tails()
    {
        var error = FailureClassifier.Classify(
            Running(), SessionDriver.Exit(1, stderr: new string('x', 2001) + "!", output: new string('y', 600)));
        Assert.Equal(2000, error.StderrTail.Length);
        Assert.EndsWith("!", error.StderrTail);
        Assert.Equal(500, error.OutputTail.Length);
    }

    [Fact]
    public void LaunchFailure_keeps_kind_and_message_and_has_no_exit_or_tails()
    {
        var state = SessionDriver.Launched().S;

        var error = FailureClassifier.LaunchFailure(state, ErrorKind.BadWorkdir, "chdir /work/repo: no such file");

        Assert.Equal(ErrorKind.BadWorkdir, error.Kind);
        Assert.Equal("chdir /work/repo: no such file", error.Message);
        Assert.Null(error.ExitCode);
        Assert.Null(error.Signal);
        Assert.Equal(string.Empty, error.StderrTail);
        Assert.Equal(string.Empty, error.OutputTail);
        Assert.Contains("/work/repo", error.Suggestion);
    }

    [Fact]
    public void NodeLost_says_which_node_and_what_the_session_was_doing()
    {
        var state = SessionDriver.In(SessionStatus.WaitingForInput).S;

        var error = FailureClassifier.NodeLost(state, "node-a");

        Assert.Equal(ErrorKind.NodeLost, error.Kind);
        Assert.Equal("node node-a was lost while the session was waiting-for-input", error.Message);
        Assert.Null(error.ExitCode);
        Assert.Null(error.Signal);
        Assert.Equal(string.Empty, error.StderrTail);
        Assert.Equal(string.Empty, error.OutputTail);
        Assert.Contains("Node node-a", error.Suggestion);
        Assert.Contains("sessionctl resume s-1", error.Suggestion);
    }

    [Theory]
    [InlineData(ErrorKind.AgentBinaryMissing)]
    [InlineData(ErrorKind.BadWorkdir)]
    [InlineData(ErrorKind.Auth)]
    public void A_launch_failure_fails_a_live_session_with_that_kind(ErrorKind kind)
    {
        var driver = SessionDriver.Launched();

        var decision = driver.Send(at => new RecordLaunchFailure(kind, "could not start", "node-a", at));

        var failed = Assert.IsType<SessionFailed>(Assert.Single(decision.Events));
        Assert.Equal(kind, failed.Error.Kind);
        Assert.Equal("could not start", failed.Error.Message);
        Assert.Equal(SessionStatus.Failed, driver.S.Status);
        Assert.Equal(failed.Error, driver.S.Error);
        Assert.Equal(driver.Now, driver.S.FinishedAt);
    }

    /// <summary>A launch fails before any process started, so only the command knows which node tried.</summary>
    [Theory]
    [InlineData(ErrorKind.AgentBinaryMissing)]
    [InlineData(ErrorKind.BadWorkdir)]
    public void A_launch_failure_suggestion_names_a_real_node(ErrorKind kind)
    {
        var driver = SessionDriver.Launched();

        driver.Accept(at => new RecordLaunchFailure(kind, "could not start", "node-a", at));

        Assert.DoesNotContain("node ?", driver.S.Error!.Suggestion);
        Assert.Contains("node-a", driver.S.Error!.Suggestion);
    }
}
