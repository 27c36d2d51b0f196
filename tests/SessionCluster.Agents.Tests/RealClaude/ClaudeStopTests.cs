using System.Diagnostics;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>The real claude stopped while the model is still streaming its answer.</summary>
public sealed class ClaudeStopTests
{
    private static readonly ModelReply Endless = SlowText([.. Enumerable.Repeat("still talking ", 120)], TimeSpan.FromMilliseconds(250));

    [Fact]
    public async Task An_interrupt_stops_claude_by_itself_well_within_the_grace()
    {
        await using var server = await ScriptedModelServer.StartAsync(Endless);
        using var rig = new ClaudeRig();
        var options = AgentRunOptions.Default with { InterruptGrace = TimeSpan.FromSeconds(20) };

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Talk", rig.Env(server.BaseUrl), multiTurn: true), options, rig.Listener);
        await server.WaitForTurnRequestAsync(1, Deadlines.Agent);
        var clock = Stopwatch.StartNew();
        run.Interrupt();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        // 2.1.328 answers SIGINT with an error result (error_during_execution) and exit code 0, in well under a second.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: it was killed, not interrupted");
        Assert.Equal((0, null, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        Assert.All(rig.Listener.Results, r => Assert.True(r.Result.IsError));
    }

    [Fact]
    public async Task Kill_ends_claude_by_sigkill_at_once()
    {
        await using var server = await ScriptedModelServer.StartAsync(Endless);
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(ClaudeRig.Driver(), rig.Request("Talk", rig.Env(server.BaseUrl)), AgentRunOptions.Default, rig.Listener);
        await server.WaitForTurnRequestAsync(1, Deadlines.Agent);
        var clock = Stopwatch.StartNew();
        run.Kill();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal((null, 9, null), (exit.ExitCode, exit.Signal, exit.ObservedFailure));
        Assert.Empty(rig.Listener.Results);
    }
}
