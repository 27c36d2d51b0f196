using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Real node, real sessionctl, the real agents, scripted model server: the lifecycle a person drives, once per agent.
/// </summary>
public sealed class SessionLifecycleTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_single_turn_session_runs_to_completed(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Hello from the model"));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "say hello", "--single-turn"));
        Assert.Equal("starting", launched.Status);
        Assert.Equal(agentName, launched.Agent);

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal(1, done.TurnsCompleted);
        agent.AssertCharged(done);
        Assert.False(string.IsNullOrEmpty(done.AgentSessionId));
        Assert.NotNull(done.Node);
        Assert.NotNull(done.FinishedAt);
        Assert.Null(done.Error);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_multi_turn_session_waits_takes_a_respond_and_is_interrupted(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("First answer."), ModelReply.Text("Second answer."));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "first"));
        var waiting = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal(1, waiting.TurnsCompleted);
        Assert.Equal("next-turn", waiting.WaitingReason);

        var responded = await Ctl.SessionAsync("respond", launched.Id, "second");
        Assert.Equal("running", responded.Status);
        var waitingAgain = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal(2, waitingAgain.TurnsCompleted);
        Assert.Equal(1, waitingAgain.RespondCount);
        Assert.Equal(launched.Id, waitingAgain.Id);
        Assert.Equal(1, waitingAgain.ProcessCount);
        Assert.Contains(fixture.Model.TurnRequests, r => r.UserTexts.Any(t => t.Contains("second")));

        var interrupted = await Ctl.SessionAsync("interrupt", launched.Id);
        Assert.Equal("interrupted", interrupted.Status);
        await Eventually.HoldsAsync(async () => Assert.Null((await Ctl.SessionAsync("show", launched.Id)).Pid));
        Assert.Null((await Ctl.SessionAsync("show", launched.Id)).Error);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_session_streaming_slowly_is_interrupted_gracefully(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.SlowText(Enumerable.Repeat("tick ", 600).ToList(), TimeSpan.FromMilliseconds(100)));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "talk slowly"));
        await fixture.Model.WaitForTurnRequestAsync(fixture.Model.TurnRequests.Count + 1, TimeSpan.FromSeconds(30));

        var interrupted = await Ctl.SessionAsync("interrupt", launched.Id);
        Assert.Equal("interrupted", interrupted.Status);
        await Eventually.HoldsAsync(async () =>
        {
            var shown = await Ctl.SessionAsync("show", launched.Id);
            Assert.Null(shown.Pid);
            Assert.NotEqual(9, shown.LastSignal);
        });
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_running_session_is_killed_at_once(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.SlowText(Enumerable.Repeat("tick ", 600).ToList(), TimeSpan.FromMilliseconds(100)));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "talk slowly"));
        await Ctl.WaitAsync(launched.Id, "running");

        var killed = await Ctl.SessionAsync("kill", launched.Id);
        Assert.Equal("killed", killed.Status);
        await Eventually.HoldsAsync(async () =>
        {
            var shown = await Ctl.SessionAsync("show", launched.Id);
            Assert.Null(shown.Pid);
            Assert.Equal(9, shown.LastSignal);
        });
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Resume_starts_a_new_session_linked_to_the_old_one_that_continues_its_conversation(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Remember the number 7."), ModelReply.Text("The number was 7."));
        var first = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "remember 7", "--single-turn"));
        var firstDone = await Ctl.WaitAsync(first.Id, "completed");

        var resumed = await Ctl.SessionAsync("resume", first.Id, "what was the number?");

        Assert.NotEqual(first.Id, resumed.Id);
        Assert.Equal(first.Id, resumed.ResumedFromId);
        Assert.Equal(agentName, resumed.Agent);
        var resumedDone = await Ctl.WaitAsync(resumed.Id, "completed");
        Assert.Equal(firstDone.AgentSessionId, resumedDone.AgentSessionId);
        Assert.Contains(resumed.Id, (await Ctl.SessionAsync("show", first.Id)).ResumedAs);
        // The agent's own resume sends the earlier conversation again.
        var resumedTurn = fixture.Model.TurnRequests.Last(r => r.UserTexts.Any(t => t.Contains("what was the number?")));
        Assert.Contains("remember 7", resumedTurn.Body);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_command_the_mode_allows_really_runs_in_the_workdir(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(agent.RunCommand("printf ran-ok > ran.txt"), ModelReply.Text("Wrote it."));

        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "write ran.txt", "--single-turn", "--permission-mode", "accept-edits"));

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal("accept-edits", done.PermissionMode);
        Assert.Equal("ran-ok", File.ReadAllText(Path.Combine(workdir, "ran.txt")));
        Assert.Equal(0, done.PermissionsAllowed + done.PermissionsDenied);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_final_message_that_asks_waits_with_reason_question_and_its_text(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Shall I delete the old branch?"), ModelReply.Text("Deleted."));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "tidy up"));
        var asking = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("question", asking.WaitingReason);
        Assert.Equal("Shall I delete the old branch?", asking.Question);
        var shown = await Ctl.RunAsync("show", launched.Id);
        Assert.Contains("Shall I delete the old branch?", shown.Stdout);
        Assert.Contains($"sessionctl respond {launched.Id}", shown.Stdout);

        await Ctl.SessionAsync("respond", launched.Id, "yes");
        var next = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("next-turn", next.WaitingReason);
        Assert.Null(next.Question);
        await Ctl.SessionAsync("kill", launched.Id);
    }

    [Fact]
    public async Task List_filters_by_status_and_agent()
    {
        fixture.Model.Enqueue(ModelReply.Text("Listed."));
        var launched = await Ctl.SessionAsync("launch", "--single-turn", "--workdir", fixture.Workdir, "--prompt", "list me");
        await Ctl.WaitAsync(launched.Id, "completed");

        await Eventually.HoldsAsync(async () =>
        {
            var completed = await Ctl.RunAsync("list", "--status", "completed", "--agent", "claude", "--json");
            Assert.Equal(0, completed.ExitCode);
            Assert.Contains(launched.Id, completed.Stdout);
        });
        var running = await Ctl.RunAsync("list", "--status", "running", "--json");
        Assert.DoesNotContain(launched.Id, running.Stdout);
        var otherAgent = await Ctl.RunAsync("list", "--agent", "codex", "--json");
        Assert.DoesNotContain(launched.Id, otherAgent.Stdout);
    }

    [Fact]
    public async Task Auto_responds_stop_at_the_cap_until_a_person_responds()
    {
        fixture.Model.Enqueue(ModelReply.Text("Shall I go on?"), ModelReply.Text("Going on. More?"), ModelReply.Text("Yes, person."));
        var launched = await Ctl.SessionAsync(
            "launch", "--workdir", fixture.Workdir, "--prompt", "start", "--max-auto-responds", "1");
        var asking = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("question", asking.WaitingReason);

        await Ctl.SessionAsync("respond", launched.Id, "yes", "--auto");
        var afterAuto = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal(1, afterAuto.AutoRespondCount);

        var refused = await Ctl.RunAsync("respond", launched.Id, "yes again", "--auto");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("auto-respond cap reached", refused.Stderr);

        var person = await Ctl.SessionAsync("respond", launched.Id, "I say go on");
        Assert.Equal(0, person.AutoRespondCount);
        Assert.Equal(2, person.RespondCount);
        await Ctl.SessionAsync("kill", launched.Id);
    }
}
