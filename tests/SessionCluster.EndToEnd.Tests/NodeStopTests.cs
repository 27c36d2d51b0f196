using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A node asked to stop (SIGTERM, Ctrl-C) records its live sessions as interrupted with the reason "node stopped",
/// never as completed, and leaves no agent behind.
/// </summary>
public sealed class NodeStopTests : IAsyncLifetime
{
    private readonly TempDirectory temp = new("sessioncluster-stop");
    private ScriptedModelServer model = null!;

    public async Task InitializeAsync() => model = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync()
    {
        await model.DisposeAsync();
        temp.Dispose();
    }

    [Theory]
    [InlineData(NodeProcess.SigTerm)]
    [InlineData(NodeProcess.SigInt)]
    public async Task Stopping_the_node_interrupts_a_waiting_session_with_reason_node_stopped(int signal)
    {
        await using var node = await NodeFixture.StartNodeAsync(temp, model.BaseUrl);
        var ctl = new Sessionctl(node);
        model.Enqueue(ModelReply.Text("Done with the first turn."));
        var launched = await ctl.SessionAsync("launch", "--workdir", temp.CreateDirectory("work"), "--prompt", "one turn, then wait");
        var waiting = await ctl.WaitAsync(launched.Id, "waiting-for-input");
        var claude = waiting.Pid ?? throw new InvalidOperationException("a waiting session has a pid");
        var claudeStart = LiveProcesses.StartTime(claude);

        Assert.Equal(0, await node.StopAsync(signal, TimeSpan.FromSeconds(40)));

        Assert.False(LiveProcesses.IsRunning(claude, claudeStart), $"claude {claude} outlived its node:\n{node.Output}");
        await node.StartAgainAsync();
        var after = await ctl.SessionAsync("show", launched.Id);
        Assert.Equal("interrupted", after.Status);
        Assert.Equal("node stopped", after.StopReason);
        Assert.Equal(1, after.TurnsCompleted);
        Assert.Null(after.Error);
    }
}
