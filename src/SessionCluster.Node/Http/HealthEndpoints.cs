using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>
/// Liveness (the process answers, also while its database is down) and readiness (cluster up, stale sessions swept,
/// database reachable); no token needed.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/healthz/ready", async (ActorSystem system, NodeLostSweep sweep, DatabaseProbe database) =>
        {
            var member = Cluster.Get(system).SelfMember;
            var reachable = await database.IsReachableAsync();
            var ready = member.Status == MemberStatus.Up && sweep.Done && reachable;
            var status = ready ? "ready" : !reachable ? "not-ready" : "starting";
            var body = new
            {
                status,
                member = member.Status.ToString(),
                sessionsSwept = sweep.Done,
                database = reachable ? "reachable" : "unreachable",
                detail = reachable ? null : $"the node's database ({database.Name}) is unreachable",
            };
            return ready ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
