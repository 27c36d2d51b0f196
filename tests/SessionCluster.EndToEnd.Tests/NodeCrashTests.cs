using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A node killed with SIGKILL mid-session and started again: nothing stays "running" forever.</summary>
public sealed class NodeCrashTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_session_of_a_crashed_node_reads_failed_node_lost_with_its_counts_intact(string agentName)
    {
        var ctl = fixture.Ctl;
        fixture.Model.Enqueue(ModelReply.Text("One."), ModelReply.Text("Two."));
        var launched = await ctl.SessionAsync(AgentUnderTest.Of(agentName).Launch(fixture.Workdir, "count"));
        await ctl.WaitAsync(launched.Id, "waiting-for-input");
        await ctl.SessionAsync("respond", launched.Id, "again");
        var before = await ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal(2, before.TurnsCompleted);
        Assert.Equal(1, before.RespondCount);

        await fixture.Node.CrashAsync();
        await fixture.Node.StartAgainAsync();

        var after = await ctl.WaitAsync(launched.Id, "failed");
        Assert.Equal("node-lost", after.Error!.Kind);
        Assert.Contains($"sessionctl resume {launched.Id}", after.Error.Suggestion);
        Assert.Equal(2, after.TurnsCompleted);
        Assert.Equal(1, after.RespondCount);
        Assert.Equal(before.CostUsd, after.CostUsd);
        Assert.Equal(before.Usage, after.Usage);
        Assert.Equal(before.AgentSessionId, after.AgentSessionId);
    }
}
