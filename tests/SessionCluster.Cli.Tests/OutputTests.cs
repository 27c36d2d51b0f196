using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>output</c>: the query it sends, every page it reads, and one line per event.</summary>
public sealed class OutputTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    /// <summary>A log of <paramref name="count"/> tool uses answered in pages of <see cref="Api.MaxEventsPerPage"/>.</summary>
    private static Task<FakeNode> LogNode(int count, long dropped = 0) => FakeNode.StartAsync(app =>
        app.MapGet(Api.Sessions + "/{id}/events", (long? since, int? tail) =>
        {
            var all = Enumerable.Range(1, count).Select(i => new SessionEventDto(i, At.AddSeconds(i), "tool_use", $"Bash: step {i}", "{}", false));
            var after = all.Where(e => e.Seq > (since ?? 0));
            var page = tail is { } n ? after.TakeLast(n) : after.Take(Api.MaxEventsPerPage);
            return Results.Json(new SessionEventsDto(page.ToList(), dropped, count), Api.Json);
        }));

    [Fact]
    public async Task Each_event_is_one_line_of_seq_time_type_and_summary()
    {
        await using var node = await LogNode(3);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--type", "tool_use", "--type", "command,tool_use");

        Assert.Equal(0, run.ExitCode);
        var local = At.AddSeconds(1).ToLocalTime();
        Assert.Equal(
            [$"1  {local:HH:mm:ss}.000  tool_use        Bash: step 1", $"2  {local.AddSeconds(1):HH:mm:ss}.000  tool_use        Bash: step 2", $"3  {local.AddSeconds(2):HH:mm:ss}.000  tool_use        Bash: step 3"],
            run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["/api/sessions/s-1/events?type=tool_use%2Ccommand"], node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Without_a_tail_every_page_is_read_and_json_joins_them()
    {
        await using var node = await LogNode(Api.MaxEventsPerPage + 5, dropped: 7);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--json");

        Assert.Equal(0, run.ExitCode);
        var log = JsonSerializer.Deserialize<SessionEventsDto>(run.Out, Api.Json)!;
        Assert.Equal(Api.MaxEventsPerPage + 5, log.Events.Count);
        Assert.Equal(7, log.Dropped);
        Assert.Equal(
            ["/api/sessions/s-1/events", $"/api/sessions/s-1/events?since={Api.MaxEventsPerPage}"],
            node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task A_tail_is_one_request_and_dropped_entries_are_said()
    {
        await using var node = await LogNode(10, dropped: 4);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1", "--tail", "2", "--since", "3");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("(4 older events were dropped: the log keeps the newest)", lines[0]);
        Assert.EndsWith("Bash: step 10", lines[^1]);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["/api/sessions/s-1/events?since=3&tail=2"], node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task An_empty_log_says_so()
    {
        await using var node = await LogNode(0);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("output", "s-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("no events", run.Out.Trim());
    }

    [Theory]
    [InlineData("--tail", "0", "--tail expects a whole number of at least 1, got '0'")]
    [InlineData("--since", "x", "--since expects a whole number of at least 0, got 'x'")]
    public async Task A_bad_number_is_a_usage_error(string option, string value, string message)
    {
        using var cli = new TestCli("http://127.0.0.1:9");

        var run = await cli.RunAsync("output", "s-1", option, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
    }
}
