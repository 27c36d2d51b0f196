using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>list</c> follows the node's <c>Link: rel="next"</c> pages and stops at --limit.</summary>
public sealed class ListPagingTests
{
    private static readonly SessionDto[] Sessions = Enumerable.Range(1, 5).Select(i => FakeNode.NewSession($"s-{i}")).ToArray();

    /// <summary>Pages of two, the cursor being the index of the next session.</summary>
    private static Task<FakeNode> PagedNode() => FakeNode.StartAsync(app =>
        app.MapGet(Api.Sessions, (HttpContext http, int? limit, string? cursor) =>
        {
            var from = cursor is null ? 0 : int.Parse(cursor);
            var size = Math.Min(2, limit ?? 100);
            var page = Sessions.Skip(from).Take(size).ToArray();
            if (from + size < Sessions.Length)
            {
                http.Response.Headers.Link = $"</api/sessions?limit={size}&cursor={from + size}>; rel=\"next\"";
            }

            return Results.Json(page, Api.Json);
        }));

    [Fact]
    public async Task All_pages_are_joined_into_one_array()
    {
        await using var node = await PagedNode();
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("list", "--json");

        Assert.Equal(0, run.ExitCode);
        var ids = JsonDocument.Parse(run.Out).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString());
        Assert.Equal(["s-1", "s-2", "s-3", "s-4", "s-5"], ids);
        Assert.Equal(
            ["/api/sessions?limit=1000", "/api/sessions?limit=1000&cursor=2", "/api/sessions?limit=1000&cursor=4"],
            node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Limit_stops_at_that_many_sessions()
    {
        await using var node = await PagedNode();
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("list", "--limit", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("s-3", run.Out);
        Assert.DoesNotContain("s-4", run.Out);
        Assert.Equal(["/api/sessions?limit=3", "/api/sessions?limit=1&cursor=2"], node.Requests.Select(r => r.PathAndQuery));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("</api/sessions?cursor=abc>; rel=\"prev\"", null)]
    [InlineData("</api/sessions?limit=5&cursor=a%2Bb>; rel=\"next\"", "a+b")]
    [InlineData("</x?cursor=1>; rel=\"prev\", </x?cursor=2>; rel=\"next\"", "2")]
    public void The_next_cursor_is_read_from_the_link_header(string? link, string? cursor)
    {
        Assert.Equal(cursor, ApiClient.NextCursor(link));
    }
}
