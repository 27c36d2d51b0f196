using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A chain of resumes through a real node and each real agent: each resume continues the conversation, and the chain is shown.</summary>
public sealed class ResumeChainTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Three_sessions_resumed_one_from_the_other_show_their_chain_back_to_the_first(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Remembered 7."), ModelReply.Text("Doubled: 14."), ModelReply.Text("Halved back: 7."));
        var a = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "remember 7", "--single-turn"));
        var aDone = await Ctl.WaitAsync(a.Id, "completed");

        var b = await Ctl.SessionAsync("resume", a.Id, "double it");
        await Ctl.WaitAsync(b.Id, "completed");
        var c = await Ctl.SessionAsync("resume", b.Id, "halve it");
        var cDone = await Ctl.WaitAsync(c.Id, "completed");

        // The resume answered with the new session, its chain already known; the conversation is the first one's.
        Assert.Equal([c.Id, b.Id, a.Id], c.ResumeChain);
        Assert.Equal(aDone.AgentSessionId, cDone.AgentSessionId);
        Assert.Contains("remember 7", fixture.Model.TurnRequests.Last(r => r.UserTexts.Any(t => t.Contains("halve it"))).Body);
        Assert.Equal([c.Id, b.Id, a.Id], cDone.ResumeChain);
        Assert.Equal([b.Id], (await Ctl.SessionAsync("show", a.Id)).ResumedAs);
        Assert.Equal([a.Id], (await Ctl.SessionAsync("show", a.Id)).ResumeChain);

        var shown = await Ctl.RunAsync("show", c.Id);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains($"{c.Id} -> {b.Id} -> {a.Id}", shown.Stdout);

        await Eventually.HoldsAsync(async () =>
        {
            var listed = await Ctl.RunAsync("list", "--chains", "--json");
            var chains = JsonSerializer.Deserialize<List<List<string>>>(listed.Stdout)!;
            Assert.Contains(chains, chain => chain.SequenceEqual([a.Id, b.Id, c.Id]));
        });
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_live_session_is_refused_with_the_reason_and_nothing_is_recorded(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Waiting for you."));
        var live = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "wait for me"));
        await Ctl.WaitAsync(live.Id, "waiting-for-input");

        var refused = await Ctl.RunAsync("resume", live.Id);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"cannot resume session {live.Id}: it is waiting-for-input; interrupt or kill it first, or respond to it", refused.Stderr);
        Assert.Empty((await Ctl.SessionAsync("show", live.Id)).ResumedAs);
        await Ctl.RunAsync("kill", live.Id);
    }
}
