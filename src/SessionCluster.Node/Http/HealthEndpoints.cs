using Akka.Actor;
using Akka.Cluster;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>Liveness (the process answers) and readiness (cluster up, stale sessions swept); no token needed.</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/healthz/ready", (ActorSystem system, NodeLostSweep sweep) =>
        {
            var member = Cluster.Get(system).SelfMember;
            var ready = member.Status == MemberStatus.Up && sweep.Done;
            var body = new { status = ready ? "ready" : "starting", member = member.Status.ToString(), sessionsSwept = sweep.Done };
            return ready ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
