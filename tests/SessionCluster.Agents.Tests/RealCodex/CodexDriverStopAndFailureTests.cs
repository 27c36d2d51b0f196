using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>The real codex app-server through the driver: an interrupt, and model servers that fail.</summary>
public sealed class CodexDriverStopAndFailureTests
{
    [Fact]
    public async Task An_interrupt_during_a_slow_stream_ends_the_turn_interrupted_and_the_process_with_no_failure()
    {
        await using var server = await ScriptedModelServer.StartAsync(SlowText([.. Enumerable.Repeat("slow ", 100)], TimeSpan.FromMilliseconds(200)));
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Talk slowly", multiTurn: true));
        await server.WaitForTurnRequestAsync(1, Deadlines.Agent);
        var started = DateTime.UtcNow;
        run.Interrupt();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.True(DateTime.UtcNow - started < CodexRig.Options.InterruptGrace, "codex needed the signal after the grace");
        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        var (result, next) = Assert.Single(rig.Listener.Results);
        Assert.Equal((true, "interrupted", WaitingReason.None), (result.IsError, result.Subtype, next));
    }

    [Fact]
    public async Task Http_401_kills_the_agent_at_the_first_retry_as_an_auth_failure()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(401, "bad key");
        using var rig = new CodexRig(server.ResponsesBaseUrl);

        await using var run = rig.Start(rig.Request("Hello"));
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((ErrorKind.Auth, 9), (exit.ObservedFailure, exit.Signal));
        Assert.Contains("HTTP 401", exit.ObservedFailureMessage);
        Assert.Equal(401, Assert.Single(rig.Listener.Events.OfType<AgentApiRetry>()).ErrorStatus);
    }

    [Fact]
    public async Task Http_500_without_retries_fails_the_turn_as_a_model_api_error_and_ends_the_process()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        server.DefaultReply = HttpStatus(500, "scripted outage");
        using var rig = new CodexRig(server.ResponsesBaseUrl, maxRetries: 0);

        await using var run = rig.Start(rig.Request("Hello", multiTurn: true));
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, ErrorKind.ModelApiError), (exit.ExitCode, exit.ObservedFailure));
        var (result, next) = Assert.Single(rig.Listener.Results);
        Assert.Equal((true, "failed", WaitingReason.None), (result.IsError, result.Subtype, next));
    }

    [Fact]
    public async Task A_model_server_that_is_down_fails_the_turn_as_unreachable()
    {
        using var rig = new CodexRig($"{ScriptedModelServer.UnreachableBaseUrl()}/v1", maxRetries: 0);

        await using var run = rig.Start(rig.Request("Hello"));
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal((0, ErrorKind.ModelApiUnreachable), (exit.ExitCode, exit.ObservedFailure));
        Assert.Contains("could not be reached", exit.ObservedFailureMessage);
        Assert.True(Assert.Single(rig.Listener.Results).Result.IsError);
    }
}
