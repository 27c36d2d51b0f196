using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Real sessions of both agents on a real node notify a real webhook receiver on loopback: what the notification says,
/// that it is signed, where it goes when its channel is down, and what `sessionctl notify` shows of it.
/// </summary>
public sealed class NotificationTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Fact]
    public async Task A_claude_session_without_credentials_sends_a_failed_notification_whose_suggestion_names_the_credential()
    {
        var launched = await Ctl.SessionAsync(
            "launch", "--workdir", fixture.Workdir, "--prompt", "hello", "--env", "ANTHROPIC_API_KEY=");

        var request = await fixture.WebhookAsync(launched.Id, "failed");

        NotificationFixture.AssertSigned(request);
        var payload = request.Json();
        Assert.Equal(1, payload.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("failed", payload.GetProperty("status").GetString());
        Assert.Equal("claude", payload.GetProperty("agent").GetString());
        Assert.Equal(launched.Name, payload.GetProperty("sessionName").GetString());
        var error = payload.GetProperty("error");
        Assert.Equal("auth", error.GetProperty("kind").GetString());
        Assert.Equal(1, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("ANTHROPIC_API_KEY", error.GetProperty("suggestion").GetString());
        Assert.Contains("ANTHROPIC_API_KEY", payload.GetProperty("text").GetString());
        var id = payload.GetProperty("id").GetString()!;
        Assert.StartsWith(launched.Id + ":", id);

        await Eventually.HoldsAsync(async () =>
        {
            var listed = await Ctl.RunAsync("notify", "list", launched.Id, "--json");
            Assert.Equal(0, listed.ExitCode);
            var record = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Single(n => n.GetProperty("id").GetString() == id);
            Assert.Equal("delivered", record.GetProperty("state").GetString());
            Assert.Equal("ops", record.GetProperty("channel").GetString());
        });
        Assert.Single(fixture.WebhooksOf(launched.Id), r => r.Json().GetProperty("kind").GetString() == "failed");
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_completed_session_says_how_many_turns_and_what_the_agent_said_last(string agentName)
    {
        fixture.Model.Enqueue(ModelReply.Text("All tests pass now."));
        var launched = await Ctl.SessionAsync(AgentUnderTest.Of(agentName).Launch(fixture.Workdir, "fix the tests", "--single-turn"));

        var payload = (await fixture.WebhookAsync(launched.Id, "completed")).Json();

        Assert.Equal("completed", payload.GetProperty("status").GetString());
        Assert.Equal(1, payload.GetProperty("turns").GetInt32());
        Assert.Contains("All tests pass now.", payload.GetProperty("lastOutput").GetString());
        Assert.Contains("All tests pass now.", payload.GetProperty("text").GetString());
        Assert.True(payload.GetProperty("durationSeconds").GetDouble() > 0);
        Assert.False(payload.TryGetProperty("error", out _));
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_session_waiting_for_input_says_so_once_with_the_respond_line(string agentName)
    {
        fixture.Model.Enqueue(ModelReply.Text("Which branch should I use?"), ModelReply.Text("Done on main."));
        var launched = await Ctl.SessionAsync(AgentUnderTest.Of(agentName).Launch(fixture.Workdir, "pick a branch"));

        var payload = (await fixture.WebhookAsync(launched.Id, "waiting-for-input")).Json();

        Assert.Equal("Which branch should I use?", payload.GetProperty("question").GetString());
        Assert.Contains(payload.GetProperty("commands").EnumerateArray(), c => c.GetString()!.StartsWith($"sessionctl respond {launched.Id} "));
        Assert.Contains($"sessionctl respond {launched.Id}", payload.GetProperty("text").GetString());

        var id = payload.GetProperty("id").GetString();
        await Ctl.SessionAsync("respond", launched.Id, "main");
        await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        await Ctl.SessionAsync("kill", launched.Id);
        var killed = (await fixture.WebhookAsync(launched.Id, "killed")).Json();
        Assert.Contains("killed", killed.GetProperty("text").GetString());
        Assert.Single(fixture.WebhooksOf(launched.Id), r => r.Json().GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_permission_request_names_the_tool_and_the_approve_and_deny_lines()
    {
        var agent = AgentUnderTest.Of("claude");
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(agent.RunCommand("printf ok > asked.txt"), ModelReply.Text("Wrote it."));
        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "write asked.txt", "--single-turn"));

        var payload = (await fixture.WebhookAsync(launched.Id, "permission-request")).Json();

        var permission = payload.GetProperty("permission");
        Assert.Equal("Bash", permission.GetProperty("tool").GetString());
        Assert.Contains("asked.txt", permission.GetProperty("summary").GetString());
        var commands = payload.GetProperty("commands").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains(commands, c => c.StartsWith($"sessionctl approve {launched.Id}"));
        Assert.Contains(commands, c => c.StartsWith($"sessionctl deny {launched.Id}"));

        await Ctl.SessionAsync("approve", launched.Id);
        await fixture.WebhookAsync(launched.Id, "completed");
        // The wait for the permission is the request's own notification, never a second waiting-for-input one.
        Assert.DoesNotContain(fixture.WebhooksOf(launched.Id), r => r.Json().GetProperty("kind").GetString() == "waiting-for-input");
    }

    [Fact]
    public async Task A_session_whose_channel_is_down_is_told_on_the_system_channel_with_why_and_an_unknown_channel_is_refused()
    {
        var refused = await Ctl.RunAsync("launch", "--workdir", fixture.Workdir, "--prompt", "hi", "--channel", "pager");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("channel 'pager' is not configured; the channels are: audit, down, log, ops", refused.Stderr);

        fixture.Model.Enqueue(ModelReply.Text("Finished."));
        var launched = await Ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(fixture.Workdir, "finish", "--single-turn", "--channel", "down"));
        Assert.Equal("down", launched.Channel);

        JsonElement line = default;
        await Eventually.HoldsAsync(() =>
        {
            line = fixture.AuditLines().Single(l => l.GetProperty("sessionId").GetString() == launched.Id && l.GetProperty("kind").GetString() == "completed");
            return Task.CompletedTask;
        }, seconds: 60);
        var fallback = line.GetProperty("fallback");
        Assert.Equal("down", fallback.GetProperty("fromChannel").GetString());
        Assert.False(string.IsNullOrWhiteSpace(fallback.GetProperty("error").GetString()));

        var channels = await Ctl.RunAsync("notify", "channels", "--json");
        Assert.Equal(0, channels.ExitCode);
        var down = JsonDocument.Parse(channels.Stdout).RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "down");
        Assert.True(down.GetProperty("failed").GetInt64() >= 2);
        Assert.False(string.IsNullOrWhiteSpace(down.GetProperty("lastError").GetString()));
        var listed = await Ctl.RunAsync("notify", "list", launched.Id);
        Assert.Contains("fallback-delivered", listed.Stdout);
    }

    [Fact]
    public async Task A_test_notification_reaches_the_receiver_and_one_to_a_channel_that_is_down_exits_6()
    {
        var sent = await Ctl.RunAsync("notify", "test", "ops");
        Assert.Equal(0, sent.ExitCode);
        Assert.Contains("delivered test notification", sent.Stdout);
        Assert.Contains(fixture.Receiver.Received, r => r.Json().GetProperty("kind").GetString() == "test");

        var down = await Ctl.RunAsync("notify", "test", "down");
        Assert.Equal(6, down.ExitCode);
        Assert.Contains("channel down did not take test notification", down.Stdout);

        var unknown = await Ctl.RunAsync("notify", "test", "pager");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("channel 'pager' is not configured; the channels are: audit, down, log, ops", unknown.Stderr);
    }
}
