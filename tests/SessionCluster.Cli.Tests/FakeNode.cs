using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary>A request the fake node saw.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string? Authorization, string Body, string? IdempotencyKey = null);

/// <summary>
/// A stand-in for the node's HTTP API on 127.0.0.1 (random port), answering with whatever a test maps.
/// Only for these unit tests of the CLI; the end-to-end tests run the real node.
/// </summary>
public sealed class FakeNode : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeNode(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task<FakeNode> StartAsync(Action<IEndpointRouteBuilder> routes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeNode? node = null;
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            node!.Requests.Enqueue(new SeenRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                body,
                context.Request.Headers[Api.IdempotencyKeyHeader].ToString() is { Length: > 0 } key ? key : null));
            await next();
        });
        routes(app);
        await app.StartAsync();
        node = new FakeNode(app, app.Urls.Single());
        return node;
    }

    public static IResult Session(SessionDto session, int status = 200) =>
        Results.Json(session, Api.Json, statusCode: status);

    public static IResult Problem(int status, string detail, string title = "problem") =>
        Results.Json(
            new ProblemDto { Type = "about:blank", Title = title, Status = status, Detail = detail },
            Api.Json,
            "application/problem+json",
            status);

    public static SessionDto NewSession(string id = "s-1", string status = "running") => new()
    {
        Id = id,
        Name = "fix-the-bug",
        Agent = "claude",
        Prompt = "Fix the bug",
        Workdir = "/src/app",
        Status = status,
        MultiTurn = true,
        TurnsCompleted = 2,
        RespondCount = 3,
        AutoRespondCount = 1,
        MaxAutoResponds = 10,
        CostUsd = 0.0123m,
        Node = "node-a",
        Pid = 4242,
        EnvNames = ["FOO"],
        CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        UpdatedAt = DateTimeOffset.UtcNow.AddSeconds(-10),
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
