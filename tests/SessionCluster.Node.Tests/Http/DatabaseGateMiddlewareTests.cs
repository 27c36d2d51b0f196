using Microsoft.AspNetCore.Http;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.Http;

/// <summary>The gate in front of /api while the database does not answer, with a probe at a real port where nothing listens.</summary>
public sealed class DatabaseGateMiddlewareTests
{
    private static async Task<(bool Passed, HttpContext Context)> Send(DatabaseProbe probe, string path)
    {
        var passed = false;
        var middleware = new DatabaseGateMiddleware(
            context =>
            {
                passed = true;
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            },
            probe);
        var context = HttpResults.NewContext(path);
        await middleware.InvokeAsync(context);
        return (passed, context);
    }

    /// <summary>PostgreSQL at a loopback port nobody listens on: every connection is refused.</summary>
    private static DatabaseProbe Unreachable() => new(new PersistenceSettings(
        PersistenceProvider.Postgres, $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=none"));

    [Theory]
    [InlineData("/api/sessions")]
    [InlineData("/api/sessions/abc/respond")]
    [InlineData("/api/sessions/abc/events")]
    [InlineData("/api/cluster/sharding/entity/abc")]
    public async Task While_postgres_is_unreachable_api_routes_are_503_saying_so(string path)
    {
        var (passed, context) = await Send(Unreachable(), path);

        Assert.False(passed);
        var response = HttpResults.Read(context);
        Assert.Equal(503, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("the node's database (PostgreSQL) is unreachable; nothing was changed; retry once it is back", response.Detail);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/api/cluster")]
    [InlineData("/api/cluster/down")]
    public async Task Health_and_cluster_routes_are_not_held_back(string path)
    {
        Assert.True((await Send(Unreachable(), path)).Passed);
    }

    [Fact]
    public async Task On_sqlite_the_database_is_always_reachable()
    {
        var probe = new DatabaseProbe(PersistenceSettings.Sqlite);

        Assert.True(await probe.IsReachableAsync());
        Assert.True((await Send(probe, "/api/sessions")).Passed);
    }
}
