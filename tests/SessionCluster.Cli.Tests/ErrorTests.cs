using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

public sealed class ErrorTests
{
    [Theory]
    [InlineData(400, "prompt must not be empty")]
    [InlineData(404, "no session 's-1'")]
    [InlineData(409, "session s-1 is completed; it cannot be interrupted")]
    [InlineData(413, "the prompt is larger than 1 MiB")]
    [InlineData(500, "the journal is unavailable")]
    public async Task A_problem_prints_its_detail_on_one_line_and_exits_1(int status, string detail)
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.SessionVerb("s-1", "interrupt"), () => FakeNode.Problem(status, detail)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("interrupt", "s-1");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Equal($"sessionctl: {detail}\n", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_multi_line_detail_becomes_one_line()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Session("s-1"), () => FakeNode.Problem(409, "first line\n  second line\r\n")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("show", "s-1");

        Assert.Equal("sessionctl: first line second line\n", run.Error);
    }

    [Fact]
    public async Task A_problem_without_detail_falls_back_to_its_title_then_to_the_status()
    {
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet(Api.Session("titled"), () => Results.Json(new ProblemDto { Title = "Conflict", Status = 409 }, Api.Json, "application/problem+json", 409));
            app.MapGet(Api.Session("bare"), () => Results.Text("<html>bad gateway</html>", "text/html", statusCode: 502));
        });
        using var cli = new TestCli(node.Url);

        Assert.Equal("sessionctl: Conflict\n", (await cli.RunAsync("show", "titled")).Error);
        Assert.Equal("sessionctl: HTTP 502 Bad Gateway\n", (await cli.RunAsync("show", "bare")).Error);
    }

    [Fact]
    public async Task Unauthorized_says_which_token_was_used()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, () => FakeNode.Problem(401, "missing or wrong bearer token")));
        using var cli = new TestCli(node.Url);

        var withToken = await cli.RunAsync("list", "--token", "wrong");
        var without = await cli.RunAsync("list");

        Assert.Equal(ExitCodes.ApiError, withToken.ExitCode);
        Assert.Equal("sessionctl: missing or wrong bearer token (unauthorized; token: from --token)\n", withToken.Error);
        Assert.Equal(
            $"sessionctl: missing or wrong bearer token (unauthorized; token: no token: --token, SESSIONCLUSTER_TOKEN and the token file {Path.Combine(cli.DataDir, "api-token")} are all missing)\n",
            without.Error);
    }

    [Fact]
    public async Task Connection_refused_is_exit_3_with_one_line()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        using var cli = new TestCli(url);

        var run = await cli.RunAsync("list");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Equal($"sessionctl: cannot reach the node at {url}: connection refused (is the node running?)\n", run.Error);
    }

    [Fact]
    public async Task A_node_that_does_not_answer_in_time_is_exit_3()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapGet(Api.Sessions, async (HttpContext http) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(10), http.RequestAborted);
                return Results.Ok();
            }));
        var endpoint = new NodeEndpoint(new Uri(node.Url), null, "test");
        using var client = new ApiClient(endpoint, TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<CliFailure>(() => client.ListAsync([], null, CancellationToken.None));

        Assert.Equal(ExitCodes.Unreachable, failure.ExitCode);
        Assert.Equal($"the node at {node.Url} did not answer within 0.3 s", failure.Message);
    }

    [Fact]
    public async Task The_built_console_app_prints_one_line_and_no_stack_trace_when_the_node_is_down()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        var sessionctl = Path.Combine(AppContext.BaseDirectory, "sessionctl.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { sessionctl, "wait", "s-1", "--until", "completed", "--url", url, "--token", "t" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "sessionctl did not exit");

        Assert.Equal(ExitCodes.Unreachable, process.ExitCode);
        Assert.Equal("", await stdout);
        Assert.Equal($"sessionctl: cannot reach the node at {url}: connection refused (is the node running?)\n", await stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
