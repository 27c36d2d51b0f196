namespace SessionCluster.Node.Http;

/// <summary>Every /api route needs "Authorization: Bearer &lt;token&gt;"; health routes need none.</summary>
public sealed class BearerTokenMiddleware(RequestDelegate next, ApiToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Unauthorized(
                "missing bearer token: send 'Authorization: Bearer <token>' (sessionctl: --token or SESSIONCLUSTER_TOKEN; " +
                "the node's token is in <data-dir>/api-token)").ExecuteAsync(context);
        }

        return token.Matches(header["Bearer ".Length..].Trim())
            ? next(context)
            : Problems.Unauthorized("wrong bearer token").ExecuteAsync(context);
    }
}
