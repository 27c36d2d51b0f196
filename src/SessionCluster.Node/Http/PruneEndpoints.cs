using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Actors.Retention;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>POST /api/sessions/prune: retention on demand, with the node's policy or the request's age and count.</summary>
public static class PruneEndpoints
{
    public static void MapPruneEndpoints(this IEndpointRouteBuilder app) => app.MapPost(Api.Prune, Prune);

    private static async Task<IResult> Prune(HttpRequest request, IRequiredActor<SessionRetention> retention, NodeSettings settings)
    {
        var (body, problem) = request.ContentLength is 0 or null && !request.Headers.ContainsKey("Transfer-Encoding")
            ? (new PruneRequest(), null)
            : await SessionEndpoints.ReadBody<PruneRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        var policy = settings.Retention.Policy;
        if (body!.OlderThan is { } olderThan)
        {
            if (RetentionAge.Parse(olderThan) is not { } age)
            {
                return Problems.BadRequest($"olderThan must be {RetentionAge.Accepted}, not {FieldText.Quote(olderThan)}");
            }

            policy = policy with { MaxAge = age };
        }

        if (body.Keep is { } keep)
        {
            if (keep < 0)
            {
                return Problems.BadRequest($"keep must be a whole number, 0 or more, not {keep}");
            }

            policy = policy with { MaxFinishedSessions = keep };
        }

        try
        {
            // A run deletes one session after another: allow it the time of many asks.
            var report = await retention.ActorRef.Ask<PruneReport>(new PruneSessions(policy, body.DryRun), settings.AskTimeout * 30);
            return Results.Ok(new PruneDto(
                report.DryRun,
                RetentionAge.Format(policy.MaxAge),
                policy.MaxFinishedSessions,
                report.Pruned.Select(p => new PrunedSessionDto(
                    p.Session.Id, p.Session.Name, p.Session.Agent, p.Session.Status.ToWire(), p.Session.FinishedAt, p.Reason)).ToList(),
                report.Refused.Select(r => new PruneRefusalDto(r.SessionId, r.Reason)).ToList()));
        }
        catch (AskTimeoutException)
        {
            return Problems.Unavailable("retention did not finish in time; it goes on in the background, ask again to see what is left")
                .WithHeader("Retry-After", "5");
        }
    }
}
