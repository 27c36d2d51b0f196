using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

public sealed class VerbTests
{
    [Fact]
    public async Task Launch_posts_the_request_and_prints_the_id_first()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession("s-42"), 201)));
        using var cli = new TestCli(node.Url);
        Directory.CreateDirectory(Path.Combine(cli.DataDir, "repo"));

        var run = await cli.RunAsync(
            "launch", "--agent", "claude", "--workdir", "repo", "--prompt", "Fix the bug", "--name", "bugfix",
            "--model", "opus", "--single-turn", "--max-auto-responds", "3", "--env", "A=1", "-e", "B=two=2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal("s-42", run.Out.Split('\n')[0]);
        Assert.Contains("fix-the-bug", run.Out);
        var request = Assert.Single(node.Requests);
        Assert.Equal(("POST", "/api/sessions"), (request.Method, request.PathAndQuery));
        var body = JsonSerializer.Deserialize<LaunchSessionRequest>(request.Body, Api.Json)!;
        Assert.Equal("claude", body.Agent);
        Assert.Equal("Fix the bug", body.Prompt);
        Assert.Equal(Path.Combine(cli.DataDir, "repo"), body.Workdir);
        Assert.Equal("bugfix", body.Name);
        Assert.Equal("opus", body.Model);
        Assert.False(body.MultiTurn);
        Assert.Equal(3, body.MaxAutoResponds);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two=2" }, body.Env);
    }

    [Fact]
    public async Task Launch_defaults_to_claude_multi_turn_in_the_current_directory_with_the_prompt_as_argument()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession("s-7"), 201)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("launch", "fix", "the", "bug", "--quiet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("s-7\n", run.Out);
        var body = JsonSerializer.Deserialize<LaunchSessionRequest>(Assert.Single(node.Requests).Body, Api.Json)!;
        Assert.Equal(("claude", "fix the bug", cli.DataDir, true), (body.Agent, body.Prompt, body.Workdir, body.MultiTurn));
        Assert.Null(body.MaxAutoResponds);
        Assert.Null(body.Name);
        Assert.Empty(body.Env!);
        Assert.Null(body.AutoResume);
    }

    [Fact]
    public async Task Launch_with_auto_resume_asks_the_node_for_it()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession("s-8"), 201)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("launch", "--auto-resume", "-q", "fix it");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"autoResume\":true", Assert.Single(node.Requests).Body);
    }

    [Fact]
    public async Task Launch_reads_the_prompt_file()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession(), 201)));
        using var cli = new TestCli(node.Url);
        File.WriteAllText(Path.Combine(cli.DataDir, "task.md"), "# Task\nDo it.\n");

        var run = await cli.RunAsync("launch", "--prompt-file", "task.md");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("# Task\nDo it.\n", JsonSerializer.Deserialize<LaunchSessionRequest>(Assert.Single(node.Requests).Body, Api.Json)!.Prompt);
    }

    [Fact]
    public async Task Json_prints_the_nodes_json_indented_with_fields_sessionctl_does_not_know()
    {
        var json = JsonSerializer.Serialize(FakeNode.NewSession("s-1"), Api.Json);
        var withExtra = json.TrimEnd().TrimEnd('}') + ",\"fromNewerNode\":{\"kept\":\"é\"}}";
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => Results.Text(withExtra, "application/json", statusCode: 201)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("launch", "hi", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  \"fromNewerNode\": {\n    \"kept\": \"é\"\n  }", run.Out);
        Assert.Equal("s-1", JsonDocument.Parse(run.Out).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_answer_sessionctl_cannot_read_is_an_api_error_except_with_json_which_prints_it()
    {
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapPost(Api.Sessions, () => Results.Text("""{"id":"s-1"}""", "application/json", statusCode: 201));
            app.MapGet(Api.Sessions, () => Results.Text("<html>not json</html>", "text/html"));
        });
        using var cli = new TestCli(node.Url);

        var human = await cli.RunAsync("launch", "hi");
        var quiet = await cli.RunAsync("launch", "hi", "-q");
        var json = await cli.RunAsync("launch", "hi", "--json");
        var notJson = await cli.RunAsync("list", "--json");

        Assert.Equal((ExitCodes.ApiError, "s-1\n"), (human.ExitCode, human.Out));
        Assert.StartsWith("sessionctl: unexpected answer from the node (201 POST /api/sessions): ", Assert.Single(human.ErrorLines));
        Assert.Equal((0, "s-1\n", ""), (quiet.ExitCode, quiet.Out, quiet.Error));
        Assert.Equal((0, "{\n  \"id\": \"s-1\"\n}\n"), (json.ExitCode, json.Out));
        Assert.Equal((ExitCodes.ApiError, "sessionctl: unexpected answer from the node (200 GET /api/sessions?limit=1000): not JSON\n"), (notJson.ExitCode, notJson.Error));
    }

    [Fact]
    public async Task List_sends_the_filters_and_prints_a_table()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => Results.Json(
                new[] { FakeNode.NewSession("s-1"), FakeNode.NewSession("s-2", "waiting-for-input") with { WaitingReason = "question" } },
                Api.Json)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("list", "--status", "running,waiting-for-input", "--status", "failed", "--agent", "claude");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/api/sessions?status=running%2Cwaiting-for-input%2Cfailed&agent=claude&limit=1000", Assert.Single(node.Requests).PathAndQuery);
        foreach (var expected in new[] { "ID", "UPDATED", "s-1", "s-2", "waiting-for-input (question)", "3 (1 auto)", "$0.0123", "node-a", "10s ago" })
        {
            Assert.Contains(expected, run.Out);
        }
    }

    [Fact]
    public async Task A_session_whose_agent_reports_tokens_but_no_cost_shows_no_made_up_cost()
    {
        var codex = FakeNode.NewSession("s-1") with { Agent = "codex", CostUsd = 0, Usage = new TokenUsageDto { InputTokens = 120, OutputTokens = 7 } };
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet(Api.Sessions, () => Results.Json(new[] { codex }, Api.Json));
            app.MapGet(Api.Session("s-1"), () => Results.Json(codex, Api.Json));
        });
        using var cli = new TestCli(node.Url);

        var list = await cli.RunAsync("list");
        var show = await cli.RunAsync("show", "s-1");

        Assert.DoesNotContain("$0.0000", list.Out + show.Out);
        Assert.Contains("not reported by the agent (see tokens)", show.Out);
        Assert.Contains("120 in, 7 out", show.Out);
    }

    [Fact]
    public async Task List_json_is_the_array_the_node_sent_and_an_empty_list_says_so()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => Results.Json(Array.Empty<SessionDto>(), Api.Json)));
        using var cli = new TestCli(node.Url);

        Assert.Equal("[]\n", (await cli.RunAsync("list", "--json")).Out);
        Assert.Equal("no sessions\n", (await cli.RunAsync("ls")).Out);
    }

    [Fact]
    public async Task Show_json_round_trips_the_session()
    {
        var session = FakeNode.NewSession("s-9");
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-9"), () => FakeNode.Session(session)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-9", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\n  \"id\": \"s-9\",", run.Out);
        Assert.Equal(
            JsonSerializer.Serialize(session, Api.Json),
            JsonSerializer.Serialize(JsonSerializer.Deserialize<SessionDto>(run.Out, Api.Json), Api.Json));
    }

    [Fact]
    public async Task Show_puts_a_failure_first_with_its_suggestion_and_tails()
    {
        var failed = FakeNode.NewSession("s-f", "failed") with
        {
            LastExitCode = 127,
            Error = new ErrorContextDto
            {
                Kind = "agent-binary-missing",
                Message = "claude was not found on PATH",
                ExitCode = 127,
                StderrTail = "sh: claude: not found",
                OutputTail = "[last output]",
                Suggestion = "Install Claude Code on the node",
            },
        };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-f"), () => FakeNode.Session(failed)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-f");

        Assert.Equal(0, run.ExitCode);
        var expectedInOrder = new[]
        {
            "failed: agent-binary-missing", "claude was not found on PATH", "Install Claude Code on the node", "127",
            "s-f", "fix-the-bug", "/src/app", "FOO", "Fix the bug", "sh: claude: not found", "[last output]",
        };
        var at = 0;
        foreach (var expected in expectedInOrder)
        {
            var found = run.Out.IndexOf(expected, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{expected}' missing after position {at} in:\n{run.Out}");
            at = found;
        }
    }

    [Fact]
    public async Task Respond_posts_the_joined_message_and_auto_flag()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", "respond"), () => FakeNode.Session(FakeNode.NewSession())));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("respond", "s-1", "yes,", "go", "on", "--auto");

        Assert.Equal(0, run.ExitCode);
        var body = JsonSerializer.Deserialize<RespondRequest>(Assert.Single(node.Requests).Body, Api.Json)!;
        Assert.Equal(("yes, go on", true), (body.Message, body.Auto));
        Assert.Contains("s-1", run.Out);
    }

    [Theory]
    [InlineData("interrupt", "interrupted")]
    [InlineData("kill", "killed")]
    public async Task Interrupt_and_kill_post_to_their_route(string verb, string status)
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", verb), () => FakeNode.Session(FakeNode.NewSession(status: status))));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync(verb, "s-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(("POST", $"/api/sessions/s-1/{verb}"), (Assert.Single(node.Requests).Method, node.Requests.Single().PathAndQuery));
        Assert.Contains(status, run.Out);
    }

    [Fact]
    public async Task Resume_sends_the_prompt_and_prints_the_new_session_id_first()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", "resume"), () =>
                FakeNode.Session(FakeNode.NewSession("s-2") with { ResumedFromId = "s-1" }, 201)));
        using var cli = new TestCli(node.Url);

        var withPrompt = await cli.RunAsync("resume", "s-1", "carry", "on");
        var without = await cli.RunAsync("resume", "s-1", "-q");

        Assert.Equal((0, "s-2"), (withPrompt.ExitCode, withPrompt.Out.Split('\n')[0]));
        Assert.Equal("s-2\n", without.Out);
        var bodies = node.Requests.Select(r => JsonSerializer.Deserialize<ResumeRequest>(r.Body, Api.Json)!.Prompt).ToArray();
        Assert.Equal(new[] { "carry on", null }, bodies);
    }

    [Fact]
    public async Task Ids_are_escaped_in_routes()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet("/api/sessions/{id}", (string id) => FakeNode.Problem(404, $"no session '{id}'")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "a b?c");

        Assert.Equal("/api/sessions/a%20b%3Fc", Assert.Single(node.Requests).PathAndQuery);
        Assert.Equal(["sessionctl: no session 'a b?c'"], run.ErrorLines);
    }
}
