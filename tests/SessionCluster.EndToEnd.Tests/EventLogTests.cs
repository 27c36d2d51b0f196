using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Real node, real agents, real sessionctl: every agent event lands in the session's event log, `sessionctl output`
/// shows what the agent did (filtered by type, or its tail), and a secret the session was given is masked everywhere.
/// </summary>
public sealed class EventLogTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Output_lists_the_commands_the_agent_ran_and_never_a_secret(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var secret = "tok-" + Guid.NewGuid().ToString("N");
        var marker = "marker-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Model.Enqueue(agent.RunCommand($"echo {marker} {secret}"), ModelReply.Text($"I ran it; the token is {secret}."));

        var launched = await Ctl.SessionAsync(agent.Launch(
            fixture.NewWorkdir(), "run the command", "--single-turn", "--permission-mode", "accept-edits", "--env", $"MY_TOKEN={secret}"));
        await Ctl.WaitAsync(launched.Id, "completed");

        // Written in batches off the agent's path: there within a moment of the session's end.
        SessionEventsDto log = null!;
        await Eventually.HoldsAsync(async () =>
        {
            log = await OutputJsonAsync(launched.Id);
            Assert.Contains(log.Events, e => e.Type == "turn_completed");
        });

        Assert.Equal(Enumerable.Range(1, log.Events.Count).Select(i => (long)i), log.Events.Select(e => e.Seq));
        Assert.Equal(log.Events.Count, log.LastSeq);
        Assert.Equal(0, log.Dropped);
        Assert.Contains(log.Events, e => e.Type == "text" && e.Summary.Contains("the token is ***"));
        Assert.Contains(log.Events, e => e.Type is "tool_use" or "command" && e.Summary.Contains(marker));
        Assert.All(log.Events, e => Assert.DoesNotContain(secret, e.Summary + e.Raw));

        var tools = await Ctl.RunAsync("output", launched.Id, "--type", "tool_use,command");
        Assert.True(tools.ExitCode == 0, tools.ToString());
        var lines = tools.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(@"^\s*\d+  \d\d:\d\d:\d\d\.\d{3}  (tool_use|command)\s+\S", line));
        Assert.Contains(lines, line => line.Contains($"echo {marker} ***"));

        var last = await Ctl.RunAsync("output", launched.Id, "--tail", "1");
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Contains("turn_completed", last.Stdout);
        Assert.Single(last.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var all = await Ctl.RunAsync("output", launched.Id);
        Assert.DoesNotContain(secret, all.Stdout + all.Stderr);

        // Nor in the node's database files (the journal's, which holds the event log).
        foreach (var file in Directory.GetFiles(fixture.Node.DataDir, "sessions.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            Assert.DoesNotContain(secret, await reader.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Since_reads_on_after_a_sequence_number()
    {
        fixture.Model.Enqueue(ModelReply.Text("One."), ModelReply.Text("Two."));
        var launched = await Ctl.SessionAsync("launch", "--workdir", fixture.Workdir, "--prompt", "first");
        await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        var first = await EventuallyTurnsCompleted(launched.Id, 1);

        await Ctl.SessionAsync("respond", launched.Id, "second");
        await Ctl.WaitAsync(launched.Id, "waiting-for-input");
        await EventuallyTurnsCompleted(launched.Id, 2);

        var after = await Ctl.RunAsync("output", launched.Id, "--since", first.LastSeq.ToString(), "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        var later = JsonSerializer.Deserialize<SessionEventsDto>(after.Stdout, Api.Json)!;
        Assert.All(later.Events, e => Assert.True(e.Seq > first.LastSeq));
        Assert.Contains(later.Events, e => e.Type == "text" && e.Summary == "Two.");
        Assert.DoesNotContain(later.Events, e => e.Summary == "One.");
        await Ctl.SessionAsync("kill", launched.Id);
    }

    [Fact]
    public async Task Bad_filters_are_a_400_naming_the_vocabulary_and_an_unknown_session_a_404()
    {
        fixture.Model.Enqueue(ModelReply.Text("Hi."));
        var launched = await Ctl.SessionAsync("launch", "--single-turn", "--workdir", fixture.Workdir, "--prompt", "hi");
        await Ctl.WaitAsync(launched.Id, "completed");

        using var http = new HttpClient { BaseAddress = new Uri(fixture.Node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Node.Token);
        foreach (var (query, says) in new[]
        {
            ("type=tool_use,shell", "types are: text, thinking, tool_use, tool_result, command, file_change, plan, question, api_retry, turn_started, turn_completed, error, unknown"),
            ("since=-1", "since must be"),
            ("since=abc", "since must be"),
            ("tail=0", "tail must be a whole number from 1 to 1000"),
            ("tail=1001", "tail must be"),
            ("tail=1&tail=2", "tail may be given once"),
        })
        {
            using var response = await http.GetAsync($"{Api.SessionEvents(launched.Id)}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(says, await response.Content.ReadAsStringAsync());
        }

        using (var unknown = await http.GetAsync(Api.SessionEvents("no-such-session")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var badType = await Ctl.RunAsync("output", launched.Id, "--type", "shell");
        Assert.NotEqual(0, badType.ExitCode);
        Assert.Contains("unknown event type 'shell'; types are: text,", badType.Stderr);

        var noSession = await Ctl.RunAsync("output", "no-such-session");
        Assert.NotEqual(0, noSession.ExitCode);
        Assert.Contains("no-such-session", noSession.Stderr);
    }

    [Fact]
    public async Task Search_finds_which_sessions_ran_a_command_across_agents()
    {
        var marker = "gone" + Guid.NewGuid().ToString("N")[..8];
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "claude", "codex" })
        {
            var agent = AgentUnderTest.Of(name);
            fixture.Model.Enqueue(agent.RunCommand($"echo cleanup -v {marker}"), ModelReply.Text($"Removed {marker}."));
            var launched = await Ctl.SessionAsync(agent.Launch(fixture.NewWorkdir(), "clean up", "--single-turn", "--permission-mode", "accept-edits"));
            await Ctl.WaitAsync(launched.Id, "completed");
            ids[name] = launched.Id;
        }

        EventSearchDto found = null!;
        await Eventually.HoldsAsync(async () =>
        {
            var search = await Ctl.RunAsync("search", $"cleanup -v {marker}", "--json");
            Assert.True(search.ExitCode == 0, search.ToString());
            found = JsonSerializer.Deserialize<EventSearchDto>(search.Stdout, Api.Json)!;
            Assert.Equal(ids.Values.Order(), found.Hits.Select(h => h.SessionId).Distinct().Order());
        });
        Assert.All(found.Hits, h => Assert.Contains("[", h.Snippet));
        Assert.DoesNotContain(found.Hits, h => h.Type == "text"); // "Removed <marker>." does not hold the phrase

        var codexOnly = await Ctl.RunAsync("search", $"cleanup -v {marker}", "--agent", "codex");
        Assert.True(codexOnly.ExitCode == 0, codexOnly.ToString());
        Assert.All(codexOnly.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith(ids["codex"] + "  ", line));

        var commands = await Ctl.RunAsync("search", marker, "--type", "command", "--json");
        var commandHits = JsonSerializer.Deserialize<EventSearchDto>(commands.Stdout, Api.Json)!.Hits;
        Assert.NotEmpty(commandHits);
        Assert.All(commandHits, h => Assert.Equal((ids["codex"], "command"), (h.SessionId, h.Type)));

        var said = await Ctl.RunAsync("search", $"Removed {marker}", "--type", "text");
        Assert.Equal(2, said.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var nothing = await Ctl.RunAsync("search", "--", "---");
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("q must hold a word to search for", nothing.Stderr);
    }

    private async Task<SessionEventsDto> OutputJsonAsync(string id)
    {
        var result = await Ctl.RunAsync("output", id, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonSerializer.Deserialize<SessionEventsDto>(result.Stdout, Api.Json)!;
    }

    private async Task<SessionEventsDto> EventuallyTurnsCompleted(string id, int turns)
    {
        SessionEventsDto log = null!;
        await Eventually.HoldsAsync(async () =>
        {
            log = await OutputJsonAsync(id);
            Assert.Equal(turns, log.Events.Count(e => e.Type == "turn_completed"));
        });
        return log;
    }
}
