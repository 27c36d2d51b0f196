using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>
/// Until the start-up sweep has failed the sessions a previous run left live, every /api route answers 503
/// with Retry-After: a command before that could act on a session about to be failed. Health routes pass, and so does
/// cluster management (no session in it, and a starting node may be the one to down a dead peer), except the route that
/// asks a session where it lives.
/// </summary>
public sealed class StartupGateMiddleware(RequestDelegate next, NodeLostSweep sweep)
{
    public Task InvokeAsync(HttpContext context) =>
        sweep.Done || !context.Request.Path.StartsWithSegments("/api") || IsClusterManagement(context.Request.Path)
            ? next(context)
            : Problems.Starting("the node is starting: it has not yet swept the sessions its previous run left live; retry in a second")
                .ExecuteAsync(context);

    private static bool IsClusterManagement(PathString path) =>
        path.StartsWithSegments(Contracts.Api.Cluster) && !path.StartsWithSegments(Contracts.Api.ShardEntities);
}
