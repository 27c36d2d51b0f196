using System.Diagnostics;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>
/// The real claude when things go wrong, each classified in seconds. Claude retries a failing API call 10 times
/// with delays growing to about 40 s; where a test needs claude itself to give up, it sets CLAUDE_CODE_MAX_RETRIES=1
/// (found in the 2.1.328 binary; API_TIMEOUT_MS also exists and bounds a single request).
/// </summary>
public sealed class ClaudeFailureTests
{
    private static readonly AgentRunOptions Options = AgentRunOptions.Default;

    [Fact]
    public async Task Http_401_fails_fast_as_auth_instead_of_minutes_of_retries()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(401, "invalid x-api-key");
        using var rig = new ClaudeRig();
        var clock = Stopwatch.StartNew();

        // No retry limit: claude itself would retry for minutes.
        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Hi", rig.Env(server.BaseUrl)), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal((ErrorKind.Auth, 9), (exit.ObservedFailure, exit.Signal));
        Assert.Contains("HTTP 401", exit.ObservedFailureMessage);
        var retry = Assert.Single(rig.Listener.Events.OfType<AgentApiRetry>());
        Assert.Equal((401, "authentication_failed"), (retry.ErrorStatus, retry.Error));
        Assert.NotEmpty(server.TurnRequests);
    }

    [Fact]
    public async Task Http_500_ends_as_a_model_api_error()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(500, "scripted overload");
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Hi", rig.Env(server.BaseUrl, maxRetries: 1)), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((1, ErrorKind.ModelApiError), (exit.ExitCode, exit.ObservedFailure));
        Assert.Contains("500", exit.ObservedFailureMessage);
        Assert.True(Assert.Single(rig.Listener.Results).Result.IsError);
        Assert.Equal(2, server.TurnRequests.Count); // the call and its one retry
    }

    [Fact]
    public async Task A_model_server_that_is_down_ends_as_unreachable()
    {
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(
            ClaudeRig.Driver(), rig.Request("Hi", rig.Env(ScriptedModelServer.UnreachableBaseUrl(), maxRetries: 1)), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((1, ErrorKind.ModelApiUnreachable), (exit.ExitCode, exit.ObservedFailure));
        Assert.Contains(rig.Listener.Events.OfType<AgentApiRetry>(), r => r.ErrorStatus is null);
    }

    [Fact]
    public async Task An_empty_api_key_is_not_logged_in_which_is_auth()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Hi", rig.Env(server.BaseUrl, apiKey: "")), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((1, ErrorKind.Auth), (exit.ExitCode, exit.ObservedFailure));
        Assert.Contains("Not logged in", exit.ObservedFailureMessage);
        Assert.Empty(server.TurnRequests);
    }

    [Fact]
    public async Task Resuming_a_conversation_claude_does_not_have_is_an_agent_error_that_says_so()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        using var rig = new ClaudeRig();
        const string unknown = "11111111-2222-3333-4444-555555555555";

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Go on", rig.Env(server.BaseUrl), resume: unknown), Options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal(ErrorKind.AgentError, exit.ObservedFailure);
        Assert.Equal($"No conversation found with session ID: {unknown}", exit.ObservedFailureMessage);
        Assert.Empty(server.TurnRequests);
    }

    [Fact]
    public void A_missing_claude_binary_is_agent_binary_missing()
    {
        using var rig = new ClaudeRig();
        var env = rig.Env(ScriptedModelServer.UnreachableBaseUrl());

        var byPath = Assert.Throws<AgentStartException>(() => AgentRun.Start(
            new ClaudeDriver(new ClaudeDriverOptions("/opt/nowhere/claude")), rig.Request("Hi", env), Options, rig.Listener));
        var byName = Assert.Throws<AgentStartException>(() => AgentRun.Start(
            new ClaudeDriver(new ClaudeDriverOptions("claude-not-installed-here")), rig.Request("Hi", env), Options, rig.Listener));

        Assert.Equal((ErrorKind.AgentBinaryMissing, ErrorKind.AgentBinaryMissing), (byPath.Kind, byName.Kind));
        Assert.Empty(rig.Listener.Calls);
    }

    [Fact]
    public void A_missing_working_directory_is_bad_workdir()
    {
        using var rig = new ClaudeRig();
        var request = rig.Request("Hi", rig.Env(ScriptedModelServer.UnreachableBaseUrl()));
        request = request with { Launch = request.Launch with { Workdir = rig.Workdir.Combine("not-created") } };

        var e = Assert.Throws<AgentStartException>(() => AgentRun.Start(ClaudeRig.Driver(), request, Options, rig.Listener));

        Assert.Equal(ErrorKind.BadWorkdir, e.Kind);
        Assert.Contains("not-created does not exist", e.Message);
    }

    [Fact]
    public async Task Secrets_are_redacted_from_what_claude_wrote_to_stderr()
    {
        const string secret = "sk-ant-api03-never-show-this-0123456789";
        using var rig = new ClaudeRig();
        var env = new Dictionary<string, string>(rig.Env(ScriptedModelServer.UnreachableBaseUrl())) { ["MY_SERVICE_TOKEN"] = secret };
        var options = Options with { Redactor = SecretRedactor.ForEnvironment(env) };

        // An option claude does not know: it prints it, secret and all, to stderr and exits 1.
        await using var run = AgentRun.Start(ClaudeRig.Driver($"--no-such-option={secret}"), rig.Request("Hi", env), options, rig.Listener);
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal(1, exit.ExitCode);
        Assert.Contains("unknown option '--no-such-option=***'", exit.StderrTail);
        Assert.DoesNotContain(secret, exit.StderrTail);
    }
}
