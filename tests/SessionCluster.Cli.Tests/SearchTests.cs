using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>search</c>: the query it sends and one line per hit.</summary>
public sealed class SearchTests
{
    private static Task<FakeNode> SearchNode(params EventSearchHitDto[] hits) => FakeNode.StartAsync(app =>
        app.MapGet(Api.EventSearch, () => Results.Json(new EventSearchDto(hits), Api.Json)));

    [Fact]
    public async Task Each_hit_is_one_line_of_session_seq_type_and_snippet()
    {
        var at = new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);
        await using var node = await SearchNode(
            new EventSearchHitDto("s-1", 7, at, "command", "rm -rf build -> exit 0", "[rm -rf] build -> exit 0"),
            new EventSearchHitDto("s-2", 12, at, "tool_use", "Bash: rm -rf x", "Bash: [rm -rf]\nx"));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("search", "rm -rf", "build", "--type", "command,tool_use", "--agent", "codex", "--limit", "5");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            ["s-1      7  command         [rm -rf] build -> exit 0", "s-2     12  tool_use        Bash: [rm -rf] x"],
            run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["/api/events/search?q=rm%20-rf%20build&type=command%2Ctool_use&agent=codex&limit=5"], node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task No_hits_say_so()
    {
        await using var node = await SearchNode();
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("search", "nothing");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("no matches", run.Out.Trim());
    }
}
