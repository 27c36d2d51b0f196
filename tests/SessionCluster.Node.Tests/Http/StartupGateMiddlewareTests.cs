using Akka.Actor;
using Microsoft.AspNetCore.Http;
using SessionCluster.Domain;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class StartupGateMiddlewareTests
{
    private static async Task<(bool Passed, HttpContext Context)> Send(NodeLostSweep sweep, string path)
    {
        var passed = false;
        var middleware = new StartupGateMiddleware(
            context =>
            {
                passed = true;
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            },
            sweep);
        var context = HttpResults.NewContext(path);
        await middleware.InvokeAsync(context);
        return (passed, context);
    }

    private static NodeLostSweep Sweep() => new("id-a", "node-a", (_, _) => false, TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData("/api/sessions")]
    [InlineData("/api/sessions/abc/resume")]
    [InlineData("/api/cluster/sharding/entity/abc")]
    public async Task Before_the_sweep_every_api_route_is_503_with_retry_after(string path)
    {
        var (passed, context) = await Send(Sweep(), path);

        Assert.False(passed);
        var response = HttpResults.Read(context);
        Assert.Equal(503, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.StartsWith("the node is starting", response.Detail);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/api/cluster")]
    [InlineData("/api/cluster/down")]
    [InlineData("/api/cluster/sharding/region-stats")]
    public async Task Health_and_cluster_routes_are_not_held_back(string path)
    {
        Assert.True((await Send(Sweep(), path)).Passed);
    }

    [Fact]
    public async Task After_the_sweep_api_routes_pass()
    {
        var sweep = Sweep();
        sweep.Run(Array.Empty<SessionState>(), ActorRefs.Nobody);
        await sweep.Completion;

        Assert.True((await Send(sweep, "/api/sessions")).Passed);
    }
}
