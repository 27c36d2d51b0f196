using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary>approve, deny, launch --permission-mode, and what show says about a waiting session, against a fake node over real HTTP.</summary>
public sealed class PermissionTests
{
    private static readonly string PermissionRoute = Api.SessionVerb("s-1", "permission");

    [Fact]
    public async Task Approve_posts_allow_to_the_permission_route_and_prints_the_new_status()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(PermissionRoute, () => FakeNode.Session(FakeNode.NewSession())));
        using var cli = new TestCli(node.Url);

        var plain = await cli.RunAsync("approve", "s-1");
        var remembered = await cli.RunAsync("approve", "s-1", "--remember");

        Assert.Equal((0, ""), (plain.ExitCode, plain.Error));
        Assert.Contains("running", plain.Out);
        Assert.Equal(0, remembered.ExitCode);
        Assert.All(node.Requests, r => Assert.Equal(("POST", "/api/sessions/s-1/permission"), (r.Method, r.PathAndQuery)));
        var bodies = node.Requests.Select(r => Body(r.Body)).ToArray();
        Assert.Equal(new[] { ("allow", (string?)null, false), ("allow", null, true) }, bodies);
    }

    [Fact]
    public async Task Deny_posts_deny_with_the_message_or_without_one()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(PermissionRoute, () => FakeNode.Session(FakeNode.NewSession())));
        using var cli = new TestCli(node.Url);

        var withMessage = await cli.RunAsync("deny", "s-1", "--message", "use the staging \"db\" instead");
        var without = await cli.RunAsync("deny", "s-1");

        Assert.Equal((0, 0), (withMessage.ExitCode, without.ExitCode));
        Assert.Contains("running", withMessage.Out);
        var bodies = node.Requests.Select(r => Body(r.Body)).ToArray();
        Assert.Equal(new[] { ("deny", (string?)"use the staging \"db\" instead", false), ("deny", null, false) }, bodies);
    }

    [Fact]
    public async Task Approve_json_prints_the_session_the_node_answered()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(PermissionRoute, () => FakeNode.Session(FakeNode.NewSession() with { PermissionsAllowed = 1 })));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("approve", "s-1", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(run.Out).RootElement.GetProperty("permissionsAllowed").GetInt32());
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("deny")]
    public async Task Nothing_pending_prints_the_nodes_reason_on_one_line_and_exits_as_a_refused_command(string verb)
    {
        const string reason = "session s-1 is running; it waits on no permission request";
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(PermissionRoute, () => FakeNode.Problem(409, reason, "Conflict")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync(verb, "s-1");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Equal($"sessionctl: {reason}\n", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Approve_without_an_id_is_a_usage_error_without_a_request()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(PermissionRoute, () => FakeNode.Session(FakeNode.NewSession())));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("approve");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("sessionctl: ", Assert.Single(run.ErrorLines));
        Assert.Contains("'sessionctl approve --help'", run.Error);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task Launch_sends_the_permission_mode_as_the_wire_spells_it_and_null_without_one()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession("s-5"), 201)));
        using var cli = new TestCli(node.Url);

        var given = await cli.RunAsync("launch", "--permission-mode", "Accept-Edits", "-q", "fix it");
        var absent = await cli.RunAsync("launch", "-q", "fix it");

        Assert.Equal((0, 0), (given.ExitCode, absent.ExitCode));
        var modes = node.Requests.Select(r => JsonSerializer.Deserialize<LaunchSessionRequest>(r.Body, Api.Json)!.PermissionMode).ToArray();
        Assert.Equal(new[] { "accept-edits", null }, modes);
        Assert.Contains("\"permissionMode\":null", node.Requests.Last().Body);
    }

    [Fact]
    public async Task An_unknown_permission_mode_is_refused_before_any_request_naming_the_modes()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession(), 201)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("launch", "--permission-mode", "yolo", "fix it");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(
            ["sessionctl: unknown permission mode 'yolo' in --permission-mode; modes are ask, accept-edits, bypass, plan"],
            run.ErrorLines);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task Show_of_a_pending_request_says_what_is_asked_when_it_expires_and_the_lines_that_answer_it()
    {
        var now = DateTimeOffset.UtcNow;
        var waiting = FakeNode.NewSession("s-1", "waiting-for-input") with
        {
            WaitingReason = "permission",
            PermissionMode = "ask",
            PendingPermission = new PermissionRequestDto
            {
                RequestId = "r-1",
                Tool = "Bash",
                Summary = "touch /src/app/made-by-agent.txt",
                RequestedAt = now.AddSeconds(-5),
                ExpiresAt = now.AddMinutes(30).AddSeconds(30),
            },
            QueuedPermissions =
            [
                new PermissionRequestDto { RequestId = "r-2", Tool = "Edit", Summary = "/src/app/Program.cs", RequestedAt = now.AddSeconds(-2), ExpiresAt = now.AddMinutes(30) },
            ],
        };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(waiting)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        AssertInOrder(run.Out,
            "waiting for permission", "Bash", "touch /src/app/made-by-agent.txt", "(in 30m): denied if nobody answers",
            "then: Edit: /src/app/Program.cs",
            "\n  sessionctl approve s-1\n", "\n  sessionctl approve s-1 --remember", "\n  sessionctl deny s-1 --message \"...\"\n",
            "waiting-for-input (permission)", "permission mode", "ask", "0 allowed, 0 denied");
    }

    [Fact]
    public async Task Show_of_a_question_prints_the_question_and_the_respond_line()
    {
        var waiting = FakeNode.NewSession("s-1", "waiting-for-input") with
        {
            WaitingReason = "question",
            Question = "Shall I delete the old migrations too?",
        };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(waiting)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal(0, run.ExitCode);
        AssertInOrder(run.Out,
            "the agent asks", "Shall I delete the old migrations too?", "\n  sessionctl respond s-1 \"...\"\n", "waiting-for-input (question)");
        Assert.DoesNotContain("sessionctl approve", run.Out);
    }

    [Fact]
    public async Task Show_quotes_an_id_the_shell_would_change_in_the_answer_lines()
    {
        var waiting = FakeNode.NewSession("it's mine", "waiting-for-input") with { WaitingReason = "question", Question = "Go?" };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet("/api/sessions/{id}", () => FakeNode.Session(waiting)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "it's mine");

        Assert.Contains("\n  sessionctl respond 'it'\\''s mine' \"...\"\n", run.Out);
    }

    [Fact]
    public async Task Show_lists_the_counts_the_last_decisions_the_refusals_of_the_last_turn_and_a_model_api_retry()
    {
        var now = DateTimeOffset.UtcNow;
        var decisions = Enumerable.Range(1, 7).Select(i => new PermissionDecisionDto
        {
            RequestId = $"r-{i}",
            Tool = i == 7 ? "Write" : "Bash",
            Summary = $"command number {i}",
            Decision = i == 7 ? "deny" : "allow",
            Message = i == 7 ? "nobody answered in time" : null,
            By = i == 7 ? "timeout" : "api",
            RequestedAt = now.AddMinutes(-40 + i),
            DecidedAt = now.AddMinutes(-30 + i),
        }).ToList();
        var session = FakeNode.NewSession("s-1") with
        {
            PermissionMode = "accept-edits",
            PermissionsAllowed = 6,
            PermissionsDenied = 1,
            RecentPermissions = decisions,
            LastTurnDenials = 2,
            ApiRetry = new ApiRetryDto { Attempt = 3, Message = "Overloaded (529)", Since = now.AddSeconds(-20) },
        };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(session)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal(0, run.ExitCode);
        AssertInOrder(run.Out,
            "the agent was refused 2 tool uses in its last turn",
            "model API retrying (attempt 3): Overloaded (529)",
            "accept-edits", "6 allowed, 1 denied",
            "permission decisions (last 5 of 7)", "WHEN", "TOOL", "SUMMARY", "DECISION", "BY",
            "command number 3", "command number 6", "Write", "command number 7", "deny", "timeout", "nobody answered in time");
        Assert.DoesNotContain("command number 2", run.Out);
        Assert.DoesNotContain("sessionctl approve", run.Out);
    }

    [Fact]
    public async Task One_refusal_is_one_tool_use()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(FakeNode.NewSession() with { LastTurnDenials = 1 })));
        using var cli = new TestCli(node.Url);

        Assert.Contains("the agent was refused 1 tool use in its last turn", (await cli.RunAsync("show", "s-1")).Out);
    }

    [Fact]
    public async Task List_shows_the_permission_reason_in_the_status_column()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => Microsoft.AspNetCore.Http.Results.Json(
                new[] { FakeNode.NewSession("s-1", "waiting-for-input") with { WaitingReason = "permission" } }, Api.Json)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("list");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("waiting-for-input (permission)", run.Out);
    }

    private static (string Decision, string? Message, bool Remember) Body(string json)
    {
        var body = JsonSerializer.Deserialize<PermissionAnswerRequest>(json, Api.Json)!;
        return (body.Decision!, body.Message, body.Remember);
    }

    private static void AssertInOrder(string text, params string[] expectedInOrder)
    {
        var at = 0;
        foreach (var expected in expectedInOrder)
        {
            var found = text.IndexOf(expected, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{expected}' missing after position {at} in:\n{text}");
            at = found;
        }
    }
}
