using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>
/// Until the start-up sweep has failed the sessions a previous run left live, every /api route answers 503
/// with Retry-After: a command before that could act on a session about to be failed. Health routes pass.
/// </summary>
public sealed class StartupGateMiddleware(RequestDelegate next, NodeLostSweep sweep)
{
    public Task InvokeAsync(HttpContext context) =>
        sweep.Done || !context.Request.Path.StartsWithSegments("/api")
            ? next(context)
            : Problems.Starting("the node is starting: it has not yet swept the sessions its previous run left live; retry in a second")
                .ExecuteAsync(context);
}
