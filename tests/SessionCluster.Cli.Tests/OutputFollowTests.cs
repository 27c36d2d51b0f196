using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>output --follow</c>: what it asks for, how it prints the stream, how it reconnects and when it gives up.</summary>
public sealed class OutputFollowTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    private static string Frame(long seq, string summary) =>
        $"id: {seq}\nevent: text\ndata: {JsonSerializer.Serialize(new SessionEventDto(seq, At.AddSeconds(seq), "text", summary, "{}", false), new JsonSerializerOptions(Api.Json) { WriteIndented = false })}\n\n";

    /// <summary>A node whose stream answers the n-th connection with <paramref name="answers"/>[n] (the last one again after), noting each Last-Event-ID.</summary>
    private static Task<FakeNode> StreamNode(ConcurrentQueue<string?> lastEventIds, params string[] answers)
    {
        var connections = 0;
        return FakeNode.StartAsync(app => app.MapGet(Api.Sessions + "/{id}/events/stream", async (HttpContext http) =>
        {
            lastEventIds.Enqueue(http.Request.Headers["Last-Event-ID"].FirstOrDefault());
            var answer = answers[Math.Min(Interlocked.Increment(ref connections) - 1, answers.Length - 1)];
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync(": keep-alive\n\n" + answer);
        }));
    }

    [Fact]
    public async Task It_prints_each_event_then_exits_0_at_the_end_naming_the_status()
    {
        var ids = new ConcurrentQueue<string?>();
        await using var node = await StreamNode(ids, Frame(1, "hello") + Frame(2, "world") + "event: end\ndata: {\"status\":\"completed\"}\n\n");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--follow", "--type", "text", "--tail", "5", "--since", "0");

        Assert.True(run.ExitCode == 0, run.Error);
        var local = At.AddSeconds(1).ToLocalTime();
        Assert.Equal([$"   1  {local:HH:mm:ss}.000  text            hello", $"   2  {local.AddSeconds(1):HH:mm:ss}.000  text            world"],
            run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("session s-1 completed", run.Error);
        Assert.Equal(["/api/sessions/s-1/events/stream?type=text&since=0&tail=5"], node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Json_is_one_object_per_line()
    {
        await using var node = await StreamNode(new(), Frame(7, "a") + Frame(8, "b") + "event: end\ndata: {\"status\":\"killed\"}\n\n");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "-f", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([7L, 8L], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<SessionEventDto>(l, Api.Json)!.Seq));
    }

    [Fact]
    public async Task Dropped_and_a_cut_stream_reconnect_with_the_last_id_printed_and_nothing_is_printed_twice()
    {
        var ids = new ConcurrentQueue<string?>();
        await using var node = await StreamNode(
            ids,
            Frame(1, "one") + Frame(2, "two") + "event: dropped\ndata: {\"reason\":\"too slow\"}\n\n",
            Frame(3, "three"), // the response ends without end: a broken stream
            Frame(4, "four") + "event: end\ndata: {\"status\":\"failed\"}\n\n");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--follow");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["one", "two", "three", "four"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split("  ")[^1]));
        Assert.Equal([null, "2", "3"], ids);
        Assert.Contains("session s-1 failed", run.Error);
    }

    [Fact]
    public async Task A_stream_that_keeps_breaking_is_given_up_after_bounded_retries_with_how_to_go_on()
    {
        var ids = new ConcurrentQueue<string?>();
        await using var node = await StreamNode(ids, Frame(5, "five"), "");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--follow");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("following session s-1 failed 5 times in a row (the node ended the stream before the session ended); to go on: sessionctl output s-1 --follow --since 5", run.Error);
        Assert.Equal(1 + 5, ids.Count);
    }

    [Fact]
    public async Task An_unknown_session_is_not_retried()
    {
        await using var node = await FakeNode.StartAsync(app => app.MapGet(Api.Sessions + "/{id}/events/stream", () => FakeNode.Problem(404, "no session 'nope'")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "nope", "--follow");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Contains("no session 'nope'", run.Error);
        Assert.Single(node.Requests);
    }

    [Fact]
    public async Task A_node_that_cannot_be_reached_at_first_fails_at_once()
    {
        using var cli = new TestCli("http://127.0.0.1:9");

        var run = await cli.RunAsync("output", "s-1", "--follow");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("cannot reach the node at http://127.0.0.1:9", run.Error);
    }

    [Theory]
    [InlineData("--tail", "0", "--tail expects a whole number of at least 1, got '0'")]
    [InlineData("--since", "-1", "--since expects a whole number of at least 0, got '-1'")]
    public async Task Bad_arguments_with_follow_are_usage_errors(string option, string value, string message)
    {
        using var cli = new TestCli("http://127.0.0.1:9");

        var run = await cli.RunAsync("output", "s-1", "--follow", option, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
    }
}
