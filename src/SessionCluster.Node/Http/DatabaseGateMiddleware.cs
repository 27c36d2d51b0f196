using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>
/// While the database does not answer, every /api route that needs it answers 503 at once, saying so, with Retry-After:
/// a launch or respond could not be recorded, and a list or show would be a stale view. Cluster management (no session
/// in it) passes, as through <see cref="StartupGateMiddleware"/>; health routes are not under /api.
/// </summary>
public sealed class DatabaseGateMiddleware(RequestDelegate next, DatabaseProbe database)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api") || IsClusterManagement(context.Request.Path) || await database.IsReachableAsync())
        {
            await next(context);
            return;
        }

        await Problems.DatabaseUnavailable(database.Name).ExecuteAsync(context);
    }

    private static bool IsClusterManagement(PathString path) =>
        path.StartsWithSegments(Contracts.Api.Cluster) && !path.StartsWithSegments(Contracts.Api.ShardEntities);
}
