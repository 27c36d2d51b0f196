using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Permission modes and the requests a person answers, with both real agents: a command that needs approval waits
/// for it, runs once allowed, never runs once denied, and the agent is told why.
/// </summary>
public sealed class PermissionTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_command_that_needs_approval_waits_and_runs_once_approved(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        var marker = Path.Combine(workdir, "approved.txt");
        fixture.Model.Enqueue(agent.RunCommand("printf approved-ok > approved.txt"), ModelReply.Text("Wrote it."));

        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "write approved.txt", "--single-turn"));
        Assert.Equal("ask", launched.PermissionMode);

        var asking = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("permission", asking.WaitingReason);
        var pending = asking.PendingPermission ?? throw new InvalidOperationException("waiting on a permission shows the request");
        Assert.Contains("approved.txt", pending.Summary);
        Assert.True(pending.ExpiresAt > pending.RequestedAt);
        Assert.False(File.Exists(marker), "nothing runs before it is approved");
        var shown = await Ctl.RunAsync("show", launched.Id);
        Assert.Contains($"sessionctl approve {launched.Id}", shown.Stdout);
        Assert.Contains($"sessionctl deny {launched.Id}", shown.Stdout);

        var approved = await Ctl.SessionAsync("approve", launched.Id);
        Assert.Equal("running", approved.Status);

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal("approved-ok", File.ReadAllText(marker));
        Assert.Equal(1, done.PermissionsAllowed);
        Assert.Equal(0, done.PermissionsDenied);
        var decision = Assert.Single(done.RecentPermissions);
        Assert.Equal((Api.Allow, "api", pending.RequestId), (decision.Decision, decision.By, decision.RequestId));
        Assert.Null(done.PendingPermission);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_denied_command_never_runs_and_the_agent_is_told(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(agent.RunCommand("printf denied > denied.txt"), ModelReply.Text("Understood, I will not."));

        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "write denied.txt", "--single-turn"));
        var asking = await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("permission", asking.WaitingReason);
        var turnsBefore = fixture.Model.TurnRequests.Count;

        await Ctl.SessionAsync("deny", launched.Id, "--message", "no writes today, scripted-deny-reason");

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.False(File.Exists(Path.Combine(workdir, "denied.txt")), "a denied command must not run");
        Assert.Equal(1, done.PermissionsDenied);
        Assert.True(done.LastTurnDenials > 0, "the turn in which the agent was refused says so");
        Assert.Equal(Api.Deny, Assert.Single(done.RecentPermissions).Decision);
        // The agent went on to the model with the refusal (claude passes the person's reason on).
        var after = fixture.Model.TurnRequests.Skip(turnsBefore).First();
        if (agentName == "claude")
        {
            Assert.Contains("scripted-deny-reason", after.Body);
        }
        else
        {
            Assert.NotEmpty(after.FunctionCallOutputs);
        }
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task An_answer_when_nothing_is_pending_is_refused_with_the_reason(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.Text("Nothing to approve."));
        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "hello", "--single-turn"));
        await Ctl.WaitAsync(launched.Id, "completed");

        var refused = await Ctl.RunAsync("approve", launched.Id);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("no pending permission request", refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Plan_mode_changes_nothing_and_asks_nothing(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(agent.RunCommand("printf planned > planned.txt"), ModelReply.Text("I only planned."));

        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "plan it", "--single-turn", "--permission-mode", "plan"));

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal("plan", done.PermissionMode);
        Assert.False(File.Exists(Path.Combine(workdir, "planned.txt")), "plan mode is read-only");
        Assert.Equal(0, done.PermissionsAllowed + done.PermissionsDenied);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Bypass_mode_runs_without_a_request_or_says_why_it_cannot(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        if (agentName == "claude" && Environment.UserName == "root")
        {
            // claude refuses bypassPermissions as root; the session says so in the node's words, at once.
            var refused = await Ctl.SessionAsync(agent.Launch(workdir, "write it", "--single-turn", "--permission-mode", "bypass"));
            var failed = await Ctl.WaitAsync(refused.Id, "failed");
            Assert.Contains("root", failed.Error!.Message);
            Assert.Contains("accept-edits", failed.Error.Message);
            return;
        }

        fixture.Model.Enqueue(agent.RunCommand("printf bypassed > bypassed.txt"), ModelReply.Text("Done."));
        var launched = await Ctl.SessionAsync(agent.Launch(workdir, "write it", "--single-turn", "--permission-mode", "bypass"));

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal("bypassed", File.ReadAllText(Path.Combine(workdir, "bypassed.txt")));
        Assert.Equal(0, done.PermissionsAllowed + done.PermissionsDenied);
    }
}

/// <summary>A request nobody answers is denied after the node's permission timeout, and the agent is told why.</summary>
public sealed class PermissionTimeoutTests(PermissionTimeoutTests.ShortTimeoutNode fixture) : IClassFixture<PermissionTimeoutTests.ShortTimeoutNode>
{
    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task An_unanswered_request_is_denied_by_timeout(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(agent.RunCommand("printf late > late.txt"), ModelReply.Text("Nobody answered."));

        var launched = await fixture.Ctl.SessionAsync(agent.Launch(workdir, "write late.txt", "--single-turn"));
        var asking = await fixture.Ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal("permission", asking.WaitingReason);

        var done = await fixture.Ctl.WaitAsync(launched.Id, "completed");
        Assert.False(File.Exists(Path.Combine(workdir, "late.txt")), "a request nobody answered is denied");
        var decision = Assert.Single(done.RecentPermissions);
        Assert.Equal((Api.Deny, "timeout"), (decision.Decision, decision.By));
        Assert.Equal(1, done.PermissionsDenied);
    }

    public sealed class ShortTimeoutNode : NodeFixture
    {
        protected override string ExtraHocon => "sessioncluster.sessions.permission-timeout = 3s";
    }
}
