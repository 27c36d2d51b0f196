using System.Collections.Immutable;
using System.Diagnostics;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using static SessionCluster.Agents.Tests.Support.FakeClaude;

namespace SessionCluster.Agents.Tests.Runs;

/// <summary>AgentRun's rules, driven by a scripted stand-in for claude so every case can be shown on demand.</summary>
public sealed class AgentRunRulesTests
{
    private static readonly AgentRunOptions Options = AgentRunOptions.Default;

    [Fact]
    public async Task A_single_turn_run_closes_stdin_after_the_result_so_the_agent_ends()
    {
        // Like claude, the script prints a turn per stdin line and ends when stdin closes.
        using var agent = new FakeClaude(f => $"while IFS= read -r line; do cat {f.File(Init(), Text("Hello"), Result("Hello"))}; done; echo stdin-closed >&2");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: false), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal(new AgentExit(0, null, "stdin-closed\n", "Hello", null, null), exit);
        Assert.Equal([run.Pid], listener.Pids);
        Assert.Equal([(SessionId, "fake-model")], listener.SessionIds);
        var (result, next) = Assert.Single(listener.Results);
        Assert.Equal(("Hello", 0.001m, WaitingReason.NextTurn), (result.ResultText, result.TotalCostUsd, next));
        Assert.IsType<RecordingListener.Started>(listener.Calls[0]);
        Assert.Same(exit, listener.Calls[^1]);
    }

    [Fact]
    public async Task A_multi_turn_run_keeps_stdin_open_and_each_respond_is_one_more_line()
    {
        using var agent = new FakeClaude(f =>
            $"while IFS= read -r line; do printf '%s\\n' \"$line\" >> '{f.Dir}/received'; cat {f.File(Init(), Text("ok"), Result("ok"))}; done");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        await listener.WaitForResultAsync(1, Deadlines.Script);
        await run.RespondAsync("second");
        await listener.WaitForResultAsync(2, Deadlines.Script);
        await run.RespondAsync("third");
        await listener.WaitForResultAsync(3, Deadlines.Script);
        run.EndInput();
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        Assert.Equal(
            [ClaudeDriver.UserMessageLine("the prompt"), ClaudeDriver.UserMessageLine("second"), ClaudeDriver.UserMessageLine("third")],
            File.ReadAllLines(Path.Combine(agent.Dir, "received")));
        Assert.Single(listener.SessionIds); // three inits, one id
        Assert.Equal(3, listener.Events.OfType<AgentInit>().Count());
    }

    [Theory]
    [InlineData("Shall I go on?", 0, WaitingReason.Question)]
    [InlineData("Shall I go on?  \n", 0, WaitingReason.Question)]
    [InlineData("Soll ich weitermachen？", 0, WaitingReason.Question)]
    [InlineData("Done.", 0, WaitingReason.NextTurn)]
    [InlineData("Shall I go on?", 1, WaitingReason.Question)]
    [InlineData("Done.", 2, WaitingReason.NextTurn)]
    public async Task Why_the_agent_waits_follows_from_its_turn(string lastText, int permissionDenials, WaitingReason expected)
    {
        using var agent = new FakeClaude(f =>
            $"cat {f.File(Init(), Text("Is this a question?"), Text(lastText), Result(lastText, permissionDenials))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);

        Assert.Equal(expected, (await listener.WaitForResultAsync(1, Deadlines.Script)).Next);
    }

    [Fact]
    public async Task The_last_text_of_the_turn_decides_not_an_earlier_one()
    {
        using var agent = new FakeClaude(f =>
            $"while IFS= read -r line; do cat {f.File(Init(), Text("Which one?"), Result("Which one?"))}; " +
            $"IFS= read -r line; cat {f.File(Text("It is done."), Result("It is done."))}; done");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        Assert.Equal(WaitingReason.Question, (await listener.WaitForResultAsync(1, Deadlines.Script)).Next);
        await run.RespondAsync("the second");

        Assert.Equal(WaitingReason.NextTurn, (await listener.WaitForResultAsync(2, Deadlines.Script)).Next);
    }

    [Fact]
    public async Task Refused_credentials_stop_the_agent_at_once_instead_of_minutes_of_retries()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, 401, "authentication_failed"))}; exec sleep 120");
        var listener = new RecordingListener();
        var clock = Stopwatch.StartNew();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal((null, 9, ErrorKind.Auth), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        Assert.Equal("the model API refused the credentials (HTTP 401); the agent was stopped instead of retrying", exit.ObservedFailureMessage);
    }

    [Fact]
    public async Task Without_fail_fast_a_401_retry_is_left_to_the_agent_and_still_explains_its_end()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, 401, "authentication_failed"))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options with { FailFastOnAuthError = false }, listener);
        await listener.WaitForEventAsync<AgentApiRetry>(Deadlines.Script);
        run.EndInput();
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((0, null, ErrorKind.Auth), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
    }

    [Fact]
    public async Task Not_logged_in_is_an_error_result_then_an_exit_classified_as_auth()
    {
        // The real transcript, then what claude does next: it ends once its stdin is closed.
        using var agent = new FakeClaude(f => $"cat {f.Corpus("claude-not-logged-in.jsonl")}; cat > /dev/null; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        var (result, next) = Assert.Single(listener.Results);
        Assert.True(result.IsError);
        Assert.Equal(WaitingReason.None, next);
        Assert.Equal(new AgentExit(1, null, "", "Not logged in · Please run /login", ErrorKind.Auth, "Not logged in · Please run /login"), exit);
    }

    [Fact]
    public async Task An_error_result_without_an_api_error_is_an_agent_error_with_the_result_text()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), ErrorResult("Reached the maximum number of turns", "error_max_turns"))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((ErrorKind.AgentError, "Reached the maximum number of turns"), (exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task An_error_result_without_any_text_names_its_subtype()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), ErrorResult(null, "error_during_execution"))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);

        Assert.Equal("the agent reported an error (error_during_execution)", (await listener.WaitForExitAsync(Deadlines.Script)).ObservedFailureMessage);
    }

    [Fact]
    public async Task An_error_result_without_text_takes_its_reason_from_the_last_line_of_stderr()
    {
        using var agent = new FakeClaude(f =>
            $"echo 'some warning' >&2; echo 'No conversation found with session ID: 42' >&2; cat {f.File(ErrorResult(null, "error_during_execution"))}; cat > /dev/null; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((ErrorKind.AgentError, "No conversation found with session ID: 42"), (exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task Retries_without_a_status_then_an_exit_mean_the_model_api_is_unreachable()
    {
        using var agent = new FakeClaude(f => $"cat {f.Corpus("claude-api-unreachable-truncated.jsonl")}; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((1, ErrorKind.ModelApiUnreachable), (exit.ExitCode, exit.ObservedFailure));
        Assert.Equal("the model API could not be reached (6 attempts failed)", exit.ObservedFailureMessage);
    }

    [Fact]
    public async Task Claude_giving_up_on_a_closed_port_is_unreachable()
    {
        // What 2.1.328 prints after its last retry against a port nobody listens on.
        var apiError = ApiError("server_error", "API Error: Connection refused") .Replace("\"api_error_status\":null", "\"api_error\":\"connection_failed\"");
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, null, "unknown"), apiError, ErrorResult("API Error: Connection refused"))}; cat > /dev/null; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((ErrorKind.ModelApiUnreachable, "API Error: Connection refused"), (exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task Claude_giving_up_on_http_500_is_a_model_api_error()
    {
        const string text = "API Error: 500 scripted. This is a server-side issue, usually temporary.";
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, 500, "server_error"), ApiError("server_error", text, 500), ErrorResult(text))}; cat > /dev/null; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((ErrorKind.ModelApiError, text), (exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task Http_5xx_retries_then_an_exit_are_a_model_api_error()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, 529, "overloaded_error"), Retry(2, 529, "overloaded_error"))}; exit 1");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal(
            (ErrorKind.ModelApiError, "the model API answered HTTP 529 (overloaded_error; 2 attempts failed)"),
            (exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task A_retry_the_agent_got_past_is_no_failure()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, null, "unknown"), Text("made it"), Result("made it"))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((0, null, null), (exit.ExitCode, exit.ObservedFailure, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task After_an_interrupt_the_agents_error_result_is_the_stop_not_a_failure()
    {
        // Claude answers SIGINT with an error result (error_during_execution) and exits 0.
        using var agent = new FakeClaude(f =>
            $"trap 'cat {f.File(ErrorResult(null, "error_during_execution"))}; exit 0' INT; cat {f.File(Init())}; while :; do sleep 0.05; done");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        await listener.WaitForEventAsync<AgentInit>(Deadlines.Script);
        run.Interrupt();
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.True(Assert.Single(listener.Results).Result.IsError);
        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
    }

    [Fact]
    public async Task An_agent_that_ignores_the_interrupt_is_killed_after_the_grace()
    {
        using var agent = new FakeClaude(f => $"trap '' INT; cat {f.File(Init())}; while :; do sleep 0.05; done");
        var listener = new RecordingListener();
        var grace = TimeSpan.FromMilliseconds(500);

        await using var run = AgentRun.Start(agent, Request(), Options with { InterruptGrace = grace }, listener);
        await listener.WaitForEventAsync<AgentInit>(Deadlines.Script);
        var clock = Stopwatch.StartNew();
        run.Interrupt();
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.True(clock.Elapsed >= grace, $"killed after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal((null, 9, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
    }

    [Fact]
    public async Task Kill_is_sigkill_and_no_failure_of_the_agents_own()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Retry(1, null, "unknown"))}; exec sleep 120");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        await listener.WaitForEventAsync<AgentApiRetry>(Deadlines.Script);
        run.Kill();
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((null, 9, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
    }

    [Fact]
    public async Task Secrets_never_leave_in_tails_or_messages()
    {
        const string secret = "sk-ant-s3cr3t-value-0123456789";
        using var agent = new FakeClaude(f =>
            $"echo 'using key {secret} now' >&2; cat {f.File(Init(), Text($"The key is {secret}."), ErrorResult($"rejected {secret}"))}; cat > /dev/null");
        var listener = new RecordingListener();
        var options = Options with { Redactor = SecretRedactor.ForEnvironment([new("ANTHROPIC_API_KEY", secret)]) };

        await using var run = AgentRun.Start(agent, Request(), options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal(("using key *** now\n", "The key is ***.", "rejected ***"), (exit.StderrTail, exit.OutputTail, exit.ObservedFailureMessage));
    }

    [Fact]
    public async Task The_output_tail_is_the_last_500_characters_of_assistant_text()
    {
        var texts = Enumerable.Range(0, 40).Select(i => $"text number {i:00} " + new string('.', 20)).ToArray();
        using var agent = new FakeClaude(f => $"cat {f.File([Init(), .. texts.Select(Text), Result("end")])}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.WaitForExitAsync(Deadlines.Script);

        Assert.Equal(ErrorContext.OutputTailChars, exit.OutputTail.Length);
        Assert.Equal(Tail.Of(string.Join("\n", texts), ErrorContext.OutputTailChars), exit.OutputTail);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_reported_as_malformed_and_the_run_goes_on()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Text(new string('x', 5000)), Result("fine"))}; cat > /dev/null");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(), Options with { MaxLineBytes = 1000 }, listener);
        await listener.WaitForExitAsync(Deadlines.Script);

        var malformed = Assert.Single(listener.Events.OfType<AgentMalformedLine>());
        Assert.Equal(1000, malformed.Raw.Length);
        Assert.Equal("line longer than 1000 bytes: only its start was read, the rest was dropped", malformed.Problem);
        Assert.Single(listener.Results);
    }

    [Fact]
    public async Task A_respond_after_the_agent_ended_is_refused()
    {
        using var agent = new FakeClaude(_ => "exit 0");
        var listener = new RecordingListener();

        await using var run = AgentRun.Start(agent, Request(multiTurn: true), Options, listener);
        await listener.WaitForExitAsync(Deadlines.Script);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run.RespondAsync("anyone?"));
    }

    [Fact]
    public void A_run_that_cannot_start_throws_and_reports_nothing()
    {
        using var agent = new FakeClaude(_ => "true");
        var listener = new RecordingListener();
        var request = Request() with { Launch = Request().Launch with { Workdir = "/no/such/workdir" } };

        var e = Assert.Throws<AgentStartException>(() => AgentRun.Start(agent, request, Options, listener));

        Assert.Equal(ErrorKind.BadWorkdir, e.Kind);
        Assert.Empty(listener.Calls);
    }

    [Fact]
    public async Task A_listener_that_throws_does_not_leave_the_agent_running_unread()
    {
        using var agent = new FakeClaude(f => $"cat {f.File(Init(), Text("hi"))}; exec sleep 120");
        var listener = new ThrowingOnText();

        await using var run = AgentRun.Start(agent, Request(), Options, listener);
        var exit = await listener.Inner.WaitForExitAsync(Deadlines.Script);

        Assert.Equal((9, ErrorKind.NoResult), (exit.Signal, exit.ObservedFailure));
        Assert.Equal("the agent's output could not be handled: listener failed", exit.ObservedFailureMessage);
    }

    private static AgentLaunchRequest Request(bool multiTurn = false) =>
        new("s-1", new LaunchSpec("claude", "the prompt", Path.GetTempPath(), null, multiTurn, 0, ImmutableSortedDictionary<string, string>.Empty));

    private sealed class ThrowingOnText : IAgentRunListener
    {
        public RecordingListener Inner { get; } = new();

        public void OnProcessStarted(int pid, long startTime) => Inner.OnProcessStarted(pid, startTime);

        public void OnAgentEvent(AgentEvent e)
        {
            Inner.OnAgentEvent(e);
            if (e is AgentText)
            {
                throw new InvalidOperationException("listener failed");
            }
        }

        public void OnAgentSessionId(string id, string? model) => Inner.OnAgentSessionId(id, model);

        public void OnTurnResult(AgentTurnResult result, WaitingReason next) => Inner.OnTurnResult(result, next);

        public void OnExit(AgentExit exit) => Inner.OnExit(exit);
    }
}
