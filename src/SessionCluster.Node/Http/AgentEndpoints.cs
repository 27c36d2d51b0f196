using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Contracts;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>
/// GET /api/agents: every agent host of the cluster, as the node's <see cref="AgentPlacement"/> finds them when it places
/// a launch (each host asked, the silent ones named), so what is shown is what placement sees.
/// </summary>
public static class AgentEndpoints
{
    public static void MapAgentEndpoints(this IEndpointRouteBuilder app) => app.MapGet(Api.Agents, Show);

    private static async Task<IResult> Show(IRequiredActor<AgentPlacement> placement, NodeSettings settings, CancellationToken ct)
    {
        try
        {
            // Placement gives each host its own (shorter) deadline and answers with the silent ones, so this rarely waits out.
            var described = await (await placement.GetAsync(ct)).Ask<AgentHostsDescribed>(DescribeAgentHosts.Instance, settings.AskTimeout, ct);
            return Results.Ok(AgentHostView.Of(described));
        }
        catch (AskTimeoutException)
        {
            return Problems.Unavailable($"the agent hosts did not answer within {settings.AskTimeout.TotalSeconds:0.#} s; try again")
                .WithHeader("Retry-After", "1");
        }
    }
}
