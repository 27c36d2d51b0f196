using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using SessionCluster.Actors.Membership;
using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>
/// Cluster management the Petabridge.Cmd way, over the API: members, leader, leave, down, and where sharding put
/// shards and sessions. Membership comes from this node's view (Cluster.State); a leave or down is handed to Akka,
/// which gossips it, so the answer says what was asked, not that it is done.
/// </summary>
public static class ClusterEndpoints
{
    /// <summary>Other names a region answers to: the issue and the docs call the session region "sessions".</summary>
    private static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sessions"] = SessionRegion.TypeName,
    };

    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Api.Cluster, Show);
        app.MapGet(Api.ClusterEvents, ClusterEventStream.RunAsync);
        app.MapPost(Api.ClusterLeave, Leave);
        app.MapPost(Api.ClusterDown, Down);
        app.MapPost(Api.ClusterDownUnreachable, DownUnreachable);
        app.MapGet(Api.ShardRegions, Regions);
        app.MapGet(Api.ShardRegionStats, RegionStats);
        app.MapGet(Api.ShardEntities + "/{id}", Entity);
    }

    private static IResult Show(ActorSystem system, NodeSettings settings)
    {
        var cluster = Cluster.Get(system);
        return Results.Ok(ClusterView.Of(cluster.State, cluster.SelfAddress, settings.NodeId));
    }

    private static async Task<IResult> Leave(HttpRequest request, ActorSystem system, NodeSettings settings)
    {
        var cluster = Cluster.Get(system);
        var (body, problem) = HasBody(request)
            ? await SessionEndpoints.ReadBody<ClusterAddressRequest>(request, settings)
            : (new ClusterAddressRequest(), null);
        if (problem is not null)
        {
            return problem;
        }

        // No address: this node leaves (what a Kubernetes preStop hook asks of its own pod).
        var (member, unknown) = string.IsNullOrWhiteSpace(body!.Address)
            ? (cluster.SelfAddress, null)
            : ClusterView.MemberAt(cluster.State, body.Address);
        if (unknown is not null)
        {
            return unknown;
        }

        // The node drains first (no new session, its live ones waited for), then leaves by itself.
        try
        {
            var draining = await system.ActorSelection(GracefulLeave.PathOf(member!))
                .Ask<LeavingGracefully>(LeaveGracefully.Instance, settings.AskTimeout);
            return Results.Accepted(value: new ClusterActionDto("leave", [member!.ToString()])
            {
                LiveSessions = draining.LiveSessionIds,
                LeavesBy = draining.LeavesBy,
            });
        }
        catch (AskTimeoutException)
        {
            // Not answering (busy, or not a SessionCluster node): the leave is asked of the cluster directly.
            cluster.Leave(member!);
            return Results.Accepted(value: new ClusterActionDto("leave", [member!.ToString()]));
        }
    }

    private static async Task<IResult> Down(HttpRequest request, ActorSystem system, NodeSettings settings)
    {
        var cluster = Cluster.Get(system);
        var (body, problem) = await SessionEndpoints.ReadBody<ClusterAddressRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        var (member, unknown) = ClusterView.MemberAt(cluster.State, body!.Address);
        if (unknown is not null)
        {
            return unknown;
        }

        cluster.Down(member!);
        return Results.Accepted(value: new ClusterActionDto("down", [member!.ToString()]));
    }

    private static IResult DownUnreachable(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).OrderBy(a => a, Member.AddressOrdering).ToList();
        foreach (var address in unreachable)
        {
            cluster.Down(address);
        }

        return Results.Accepted(value: new ClusterActionDto("down", unreachable.Select(a => a.ToString()).ToList()));
    }

    private static IResult Regions(ActorSystem system) =>
        Results.Ok(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal)
            .Select(name => new ShardRegionDto(name, Aliases.Where(a => a.Value == name).Select(a => a.Key).ToList()))
            .ToList());

    private static async Task<IResult> RegionStats(HttpRequest request, ActorSystem system, NodeSettings settings)
    {
        var sharding = ClusterSharding.Get(system);
        var names = sharding.ShardTypeNames.Order(StringComparer.Ordinal).ToList();
        var asked = request.Query["region"].ToString().Trim();
        if (asked.Length == 0)
        {
            return Problems.BadRequest($"region is required; the regions are: {string.Join(", ", names)}");
        }

        var name = Aliases.TryGetValue(asked, out var aliased) ? aliased : asked;
        if (!names.Contains(name))
        {
            return Problems.UnknownRegion($"this node runs no shard region {FieldText.Quote(asked)}; the regions are: {string.Join(", ", names)}");
        }

        var stats = await Stats(sharding.ShardRegion(name), settings);
        return stats is null ? StatsTimedOut(settings) : Results.Ok(ClusterView.Of(name, stats));
    }

    private static async Task<IResult> Entity(string id, SessionGateway gateway, ActorSystem system, NodeSettings settings)
    {
        var get = new GetSession(id);
        // Asking the session wakes its entity, so its shard is allocated by the time the stats are asked for.
        switch (await gateway.Send(get))
        {
            case SessionRejected rejected:
                return Problems.From(rejected.Rejection);
            case null:
                return gateway.TimedOut(get);
            case SessionAccepted accepted:
                var shard = new SessionMessageExtractor().ShardId(id, get);
                var stats = await Stats(ClusterSharding.Get(system).ShardRegion(SessionRegion.TypeName), settings);
                if (stats is null)
                {
                    return StatsTimedOut(settings);
                }

                return Results.Ok(new ShardEntityDto(
                    id, SessionRegion.TypeName, shard, ClusterView.HostOf(shard, stats)?.ToString(), accepted.State.NodeAddress ?? accepted.State.Node, accepted.State.NodeId));
            case var other:
                return Problems.Unavailable($"unexpected reply {other.GetType().Name}");
        }
    }

    /// <summary>Every region's shards, each region given the ask timeout to answer; null when the whole ask did not finish.</summary>
    private static async Task<ClusterShardingStats?> Stats(IActorRef region, NodeSettings settings)
    {
        try
        {
            return await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(settings.AskTimeout), settings.AskTimeout * 2);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static IResult StatsTimedOut(NodeSettings settings) =>
        Problems.Unavailable($"the shard regions did not answer within {(settings.AskTimeout * 2).TotalSeconds:0.#} s; try again")
            .WithHeader("Retry-After", "1");

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding");
}
