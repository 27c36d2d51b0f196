using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary>Resume chains in sessionctl: show's chain line, list --chains, and resume of any final status.</summary>
public sealed class ChainTests
{
    [Fact]
    public async Task Show_prints_the_chain_from_this_session_back_to_the_first()
    {
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet("/api/sessions/c", () => FakeNode.Session(FakeNode.NewSession("c", "completed") with
            {
                ResumedFromId = "b",
                ResumeChain = ["c", "b", "a"],
            }));
            app.MapGet("/api/sessions/a", () => FakeNode.Session(FakeNode.NewSession("a", "completed") with { ResumedAs = ["b"], ResumeChain = ["a"] }));
        });
        using var cli = new TestCli(node.Url);

        var c = await cli.RunAsync("show", "c");
        var a = await cli.RunAsync("show", "a");

        Assert.Equal(0, c.ExitCode);
        Assert.Contains(c.Out.Split('\n'), line => line.Contains("chain") && line.Contains("c -> b -> a"));
        // The first session has no chain behind it: its line says so, and its resume is listed forward.
        Assert.Contains(a.Out.Split('\n'), line => line.Contains("chain") && line.Contains(" - "));
        Assert.Contains(a.Out.Split('\n'), line => line.Contains("resumed as") && line.Contains(" b "));
    }

    [Fact]
    public async Task A_chain_of_50_resumes_is_printed_whole_and_in_order()
    {
        var chain = Enumerable.Range(1, 50).Reverse().Select(i => $"s-{i:D2}").ToList();
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet("/api/sessions/s-50", () => FakeNode.Session(FakeNode.NewSession("s-50", "completed") with
            {
                ResumedFromId = "s-49",
                ResumeChain = chain,
            })));
        using var cli = new TestCli(node.Url).With("COLUMNS", "2000");

        var run = await cli.RunAsync("show", "s-50");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(string.Join(" -> ", chain), run.Out);
    }

    [Fact]
    public async Task List_chains_groups_each_first_session_with_its_resumes_under_it()
    {
        var now = DateTimeOffset.UtcNow;
        SessionDto At(string id, int minutesAgo, string? from = null) =>
            FakeNode.NewSession(id, "completed") with { ResumedFromId = from, CreatedAt = now.AddMinutes(-minutesAgo) };
        // Newest first, as the node lists: a chain a <- b <- c, with b resumed twice (c and d), and a lone e.
        var sessions = new List<SessionDto> { At("e", 1), At("d", 2, "b"), At("c", 3, "b"), At("b", 4, "a"), At("a", 5) };
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => Results.Json(sessions, Api.Json)));
        using var cli = new TestCli(node.Url);

        var table = await cli.RunAsync("list", "--chains");
        var json = await cli.RunAsync("list", "--chains", "--json");

        Assert.Equal(0, table.ExitCode);
        var ids = table.Out.Split('\n')
            .Select(line => line.Split('│'))
            .Where(cells => cells.Length > 2 && cells[1].Trim() is not ("" or "ID"))
            .Select(cells => cells[1][1..].TrimEnd()) // the cell's padding, not the indentation
            .ToList();
        Assert.Equal(["e", "a", "-> b", "  -> c", "  -> d"], ids);
        Assert.Equal(0, json.ExitCode);
        var chains = System.Text.Json.JsonSerializer.Deserialize<List<List<string>>>(json.Out)!;
        Assert.Equal([["e"], ["a", "b", "c", "d"]], chains);
    }

    [Fact]
    public void Grouping_survives_a_cycle_and_a_first_session_not_in_the_list()
    {
        var sessions = new List<SessionDto>
        {
            FakeNode.NewSession("x") with { ResumedFromId = "y" },
            FakeNode.NewSession("y") with { ResumedFromId = "x" },
            FakeNode.NewSession("z") with { ResumedFromId = "gone" },
        };

        var entries = SessionChains.Group(sessions);

        Assert.Equal(["z", "x", "-> y"], entries.Select(SessionChains.Label));
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("failed")]
    [InlineData("killed")]
    [InlineData("interrupted")]
    public async Task Resume_works_on_any_final_status_and_a_live_session_is_refused_with_the_reason(string status)
    {
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapPost(Api.SessionVerb("old", "resume"), () =>
                FakeNode.Session(FakeNode.NewSession("new", "starting") with { ResumedFromId = "old", ResumeChain = ["new", "old"] }, 201));
            app.MapPost(Api.SessionVerb("live", "resume"), () =>
                FakeNode.Problem(409, "cannot resume session live: it is running; interrupt or kill it first, or respond to it"));
        });
        using var cli = new TestCli(node.Url);

        var resumed = await cli.RunAsync("resume", "old");
        var refused = await cli.RunAsync("resume", "live");

        Assert.Equal((0, "new"), (resumed.ExitCode, resumed.Out.Split('\n')[0]));
        Assert.Equal(ExitCodes.ApiError, refused.ExitCode);
        Assert.Equal(["sessionctl: cannot resume session live: it is running; interrupt or kill it first, or respond to it"], refused.ErrorLines);
        _ = status; // the CLI sends the same request whatever the old session's final status; the node decides
    }
}
