using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>show</c>'s summary on top: where the session stands, and what its agent did last from the log's tail.</summary>
public sealed class SummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Show_summarizes_status_counts_and_the_agents_last_tool_command_error_and_words()
    {
        var said = "Done. " + new string('x', 300) + " the very end";
        var session = FakeNode.NewSession("s-1", "waiting-for-input") with { WaitingReason = "question", Question = "Merge it?" };
        SessionEventDto[] log =
        [
            new(1, At, "tool_use", "Bash: ls", "{}", false),
            new(2, At, "command", "make test -> exit 2 (failed)", "{}", false),
            new(3, At, "tool_use", "Edit: src/Program.cs", "{}", false),
            new(4, At, "error", "model API: overloaded, HTTP 529", "{}", false),
            new(5, At, "text", said[..200], System.Text.Json.JsonSerializer.Serialize(new { text = said }), false),
        ];
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(session));
            app.MapGet(Api.SessionEvents("s-1"), () => Results.Json(new SessionEventsDto(log, 0, 5), Api.Json));
        });
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        foreach (var expected in new[]
        {
            "waiting-for-input (question): Merge it?", "responds", "(auto 1 / ", "Edit: src/Program.cs", "make test -> exit 2 (failed)",
            "model API: overloaded, HTTP 529", "the very end",
        })
        {
            Assert.Contains(expected, run.Out);
        }

        Assert.DoesNotContain("Bash: ls", run.Out);
        Assert.Contains(node.Requests, r => r.PathAndQuery == "/api/sessions/s-1/events?type=tool_use%2Ccommand%2Cerror%2Ctext&tail=200");
    }

    [Fact]
    public async Task A_node_without_an_event_log_still_gets_the_summary_and_the_fields()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Session(FakeNode.NewSession("s-1"))));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("turns", run.Out);
        Assert.Contains("permission mode", run.Out);
    }
}
