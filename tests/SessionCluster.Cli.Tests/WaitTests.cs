using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

public sealed class WaitTests
{
    /// <summary>A node whose session goes through the given statuses, one per GET, then stays in the last.</summary>
    private static Task<FakeNode> NodeGoingThrough(params string[] statuses)
    {
        var polls = 0;
        return FakeNode.StartAsync(app => app.MapGet(Api.Session("s-1"), () =>
        {
            var status = statuses[Math.Min(Interlocked.Increment(ref polls) - 1, statuses.Length - 1)];
            var session = FakeNode.NewSession("s-1", status);
            return FakeNode.Session(status == "failed"
                ? session with
                {
                    Error = new ErrorContextDto { Kind = "auth", Message = "not logged in", Suggestion = "run claude login" },
                }
                : session);
        }));
    }

    [Fact]
    public async Task Wait_polls_until_one_of_the_statuses_is_reached()
    {
        await using var node = await NodeGoingThrough("starting", "running", "waiting-for-input");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "s-1", "--until", "waiting-for-input,completed", "--timeout", "10", "--interval", "20");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("waiting-for-input", run.Out);
        Assert.Equal(3, node.Requests.Count);
    }

    [Fact]
    public async Task Wait_returns_at_once_when_the_status_is_already_reached_and_prints_json_when_asked()
    {
        await using var node = await NodeGoingThrough("completed");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "s-1", "-u", "completed", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"status\": \"completed\"", run.Out);
        Assert.Single(node.Requests);
    }

    [Fact]
    public async Task Wait_times_out_with_exit_4_saying_what_the_status_is()
    {
        await using var node = await NodeGoingThrough("running");
        using var cli = new TestCli(node.Url);
        var clock = Stopwatch.StartNew();

        var run = await cli.RunAsync("wait", "s-1", "--until", "completed", "--timeout", "1.5");

        Assert.Equal(ExitCodes.WaitTimedOut, run.ExitCode);
        Assert.Equal("sessionctl: timed out after 1.5 s waiting for session s-1 to be completed; it is running\n", run.Error);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
        // The default interval is 200 ms: a handful of polls, not hundreds.
        Assert.InRange(node.Requests.Count, 2, 9);
    }

    [Fact]
    public async Task A_zero_timeout_checks_once()
    {
        await using var node = await NodeGoingThrough("running", "completed");
        using var cli = new TestCli(node.Url);

        var notYet = await cli.RunAsync("wait", "s-1", "--until", "completed", "--timeout", "0");
        var now = await cli.RunAsync("wait", "s-1", "--until", "completed", "--timeout", "0");

        Assert.Equal((ExitCodes.WaitTimedOut, "sessionctl: timed out after 0 s waiting for session s-1 to be completed; it is running\n"), (notYet.ExitCode, notYet.Error));
        Assert.Equal(0, now.ExitCode);
        Assert.Equal(2, node.Requests.Count);
    }

    [Fact]
    public async Task Wait_fails_with_exit_5_when_the_session_ends_in_another_status()
    {
        await using var node = await NodeGoingThrough("running", "failed");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "s-1", "--until", "waiting-for-input,completed", "--interval", "20");

        Assert.Equal(ExitCodes.WaitEndedOtherwise, run.ExitCode);
        Assert.Equal(
            "sessionctl: session s-1 ended failed (auth: not logged in), not waiting-for-input or completed\n", run.Error);
    }

    [Fact]
    public async Task Waiting_for_a_terminal_status_is_satisfied_by_it()
    {
        await using var node = await NodeGoingThrough("running", "killed");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "s-1", "--until", "killed", "--interval", "20");

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task Wait_on_an_unknown_session_is_the_nodes_404()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("nope"), () => FakeNode.Problem(404, "no session 'nope'")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "nope", "--until", "completed");

        Assert.Equal((ExitCodes.ApiError, "sessionctl: no session 'nope'\n"), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task Wait_rejects_an_unknown_status_before_polling()
    {
        await using var node = await NodeGoingThrough("running");
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("wait", "s-1", "--until", "done");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("sessionctl: unknown status 'done' in --until", run.Error);
        Assert.Empty(node.Requests);
    }
}
