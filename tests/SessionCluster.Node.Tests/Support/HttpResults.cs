using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SessionCluster.Node.Tests.Support;

/// <summary>Runs an <see cref="IResult"/> or a middleware against an in-memory HTTP context, as the node's pipeline would.</summary>
internal static class HttpResults
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddLogging()
        .AddProblemDetails()
        .BuildServiceProvider();

    public static DefaultHttpContext NewContext(string path = "/", string? authorization = null)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    public static async Task<Response> Execute(IResult result)
    {
        var context = NewContext();
        await result.ExecuteAsync(context);
        return Read(context);
    }

    public static Response Read(HttpContext context)
    {
        var body = (MemoryStream)context.Response.Body;
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        return new Response(context.Response.StatusCode, context.Response.ContentType, text);
    }

    public sealed record Response(int Status, string? ContentType, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string? Detail => Json.GetProperty("detail").GetString();

        public string? Title => Json.GetProperty("title").GetString();

        /// <summary>Asserts an RFC 7807 problem with this status and detail; the JSON "status" agrees with the HTTP one.</summary>
        public void AssertProblem(int status, string detail)
        {
            Assert.Equal(status, Status);
            Assert.Equal("application/problem+json", ContentType);
            Assert.Equal(status, Json.GetProperty("status").GetInt32());
            Assert.Equal(detail, Detail);
        }
    }
}
