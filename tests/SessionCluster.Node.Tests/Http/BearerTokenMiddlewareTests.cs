using Microsoft.AspNetCore.Http;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class BearerTokenMiddlewareTests : IDisposable
{
    private const string Token = "the-right-token";
    private const string Missing =
        "missing bearer token: send 'Authorization: Bearer <token>' (sessionctl: --token or SESSIONCLUSTER_TOKEN; " +
        "the node's token is in <data-dir>/api-token)";

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private async Task<(bool Passed, HttpResults.Response Response)> Send(string path, string? authorization = null)
    {
        var passed = false;
        var middleware = new BearerTokenMiddleware(
            context =>
            {
                passed = true;
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            },
            ApiToken.LoadOrCreate(Token, temp.Path));
        var context = HttpResults.NewContext(path, authorization);

        await middleware.InvokeAsync(context);

        return (passed, HttpResults.Read(context));
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/")]
    [InlineData("/apis")]
    public async Task Routes_outside_api_need_no_token(string path)
    {
        var (passed, response) = await Send(path);

        Assert.True(passed);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Health_passes_even_with_a_wrong_token()
    {
        Assert.True((await Send("/healthz/live", "Bearer wrong")).Passed);
    }

    [Theory]
    [InlineData("/api/sessions")]
    [InlineData("/api")]
    [InlineData("/api/sessions/abc/kill")]
    [InlineData("/API/Sessions")]
    public async Task Api_without_a_token_is_401(string path)
    {
        var (passed, response) = await Send(path);

        Assert.False(passed);
        response.AssertProblem(401, Missing);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData(Token)]
    [InlineData("")]
    public async Task Api_with_another_scheme_is_401_missing(string authorization)
    {
        var (passed, response) = await Send("/api/sessions", authorization);

        Assert.False(passed);
        response.AssertProblem(401, Missing);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer " + "the-right-toke")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Bearer " + "THE-RIGHT-TOKEN")]
    [InlineData("Bearer ")]
    public async Task Api_with_a_wrong_token_is_401(string authorization)
    {
        var (passed, response) = await Send("/api/sessions", authorization);

        Assert.False(passed);
        response.AssertProblem(401, "wrong bearer token");
    }

    [Theory]
    [InlineData("Bearer " + Token)]
    [InlineData("bearer " + Token)]
    [InlineData("BEARER " + Token)]
    [InlineData("Bearer   " + Token + "  ")]
    public async Task Api_with_the_right_token_passes_whatever_the_scheme_case(string authorization)
    {
        var (passed, response) = await Send("/api/sessions", authorization);

        Assert.True(passed);
        Assert.Equal(200, response.Status);
    }
}
