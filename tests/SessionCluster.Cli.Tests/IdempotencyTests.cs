using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary>Launch and resume carry an Idempotency-Key, new per invocation, and retry a 503 once with the same key.</summary>
public sealed class IdempotencyTests
{
    [Fact]
    public async Task A_launch_answered_503_is_retried_once_with_the_same_key_and_a_new_invocation_has_a_new_key()
    {
        var calls = 0;
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, (HttpContext http) =>
            {
                if (Interlocked.Increment(ref calls) % 2 == 1)
                {
                    http.Response.Headers.RetryAfter = "0";
                    return FakeNode.Problem(503, "the node is starting");
                }

                return FakeNode.Session(FakeNode.NewSession("s-1"), 201);
            }));
        using var cli = new TestCli(node.Url);

        var first = await cli.RunAsync("launch", "-q", "hi");
        var second = await cli.RunAsync("launch", "-q", "hi");

        Assert.Equal((0, "s-1\n", ""), (first.ExitCode, first.Out, first.Error));
        Assert.Equal(0, second.ExitCode);
        var keys = node.Requests.Select(r => r.IdempotencyKey).ToList();
        Assert.Equal(4, keys.Count);
        Assert.All(keys, key => Assert.False(string.IsNullOrEmpty(key)));
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[2], keys[3]);
        Assert.NotEqual(keys[0], keys[2]);
        Assert.Equal(node.Requests.First().Body, node.Requests.Skip(1).First().Body);
    }

    [Fact]
    public async Task A_second_503_is_the_error_no_third_attempt()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", "resume"), (HttpContext http) =>
            {
                http.Response.Headers.RetryAfter = "0";
                return FakeNode.Problem(503, "session s-1 did not answer within 10 s; try again");
            }));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("resume", "s-1", "go", "on");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Equal(["sessionctl: session s-1 did not answer within 10 s; try again"], run.ErrorLines);
        Assert.Equal(2, node.Requests.Count);
        Assert.Single(node.Requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.NotNull(node.Requests.First().IdempotencyKey);
    }

    [Fact]
    public async Task Respond_is_not_retried_after_a_503_and_carries_no_key()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", "respond"), () => FakeNode.Problem(503, "busy")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("respond", "s-1", "yes");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        var request = Assert.Single(node.Requests);
        Assert.Null(request.IdempotencyKey);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Problem(400, "prompt is required")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("launch", "hi");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Single(node.Requests);
    }
}
