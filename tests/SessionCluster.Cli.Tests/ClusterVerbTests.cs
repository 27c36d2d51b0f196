using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary>The cluster and cluster-sharding verbs against a fake node: routes, bodies and pbm-style output.</summary>
public sealed class ClusterVerbTests
{
    private const string A = "akka.ssl.tcp://sessioncluster@10.0.0.1:4053";
    private const string B = "akka.ssl.tcp://sessioncluster@10.0.0.2:4053";

    private static readonly ClusterDto TwoNodes = new(A, A,
    [
        new ClusterMemberDto(A, ["agent-host"], "up", true) { NodeId = "id-a", Version = "1.0.0" },
        new ClusterMemberDto(B, [], "up", false) { Version = "1.0.0" },
    ]);

    private static Task<FakeNode> ClusterNode() => FakeNode.StartAsync(app =>
    {
        app.MapGet(Api.Cluster, () => Results.Json(TwoNodes, Api.Json));
        app.MapPost(Api.ClusterLeave, () => Results.Json(new ClusterActionDto("leave", [A]), Api.Json, statusCode: 202));
        app.MapPost(Api.ClusterDown, () => Results.Json(new ClusterActionDto("down", [B]), Api.Json, statusCode: 202));
        app.MapPost(Api.ClusterDownUnreachable, () => Results.Json(new ClusterActionDto("down", []), Api.Json, statusCode: 202));
    });

    [Fact]
    public async Task Show_prints_one_member_a_line_in_pbm_columns_then_the_count()
    {
        await using var node = await ClusterNode();
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("cluster", "show");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^ADDRESS\s+\| ROLES\s+\| STATUS \| REACHABILITY \| VERSION$", lines[0]);
        Assert.Equal($"{A} | [agent-host] | up     | reachable    | 1.0.0", lines[1]);
        Assert.Equal($"{B} | []           | up     | unreachable  | 1.0.0", lines[2]);
        Assert.Equal("Count: 2 nodes", lines[3]);
    }

    [Fact]
    public async Task Leader_and_unreachable_read_the_same_view()
    {
        await using var node = await ClusterNode();
        using var cli = new TestCli(node.Url);

        Assert.Equal(A, (await cli.RunAsync("cluster", "leader")).Out.Trim());
        var unreachable = await cli.RunAsync("cluster", "unreachable");
        Assert.Contains(B, unreachable.Out);
        Assert.DoesNotContain($"{A} |", unreachable.Out);
        Assert.Contains("Count: 1 nodes", unreachable.Out);
    }

    [Fact]
    public async Task Leave_without_an_address_asks_for_the_node_itself_and_down_sends_the_address()
    {
        await using var node = await ClusterNode();
        using var cli = new TestCli(node.Url);

        var left = await cli.RunAsync("cluster", "leave");
        var downed = await cli.RunAsync("cluster", "down", B);
        var none = await cli.RunAsync("cluster", "down-unreachable");

        Assert.Equal($"asked {A} to leave the cluster", left.Out.Trim());
        Assert.Equal($"marked {B} down", downed.Out.Trim());
        Assert.Equal("no unreachable nodes to down", none.Out.Trim());
        var bodies = node.Requests.Where(r => r.Method == "POST").Select(r => r.Body).ToList();
        Assert.Null(JsonSerializer.Deserialize<ClusterAddressRequest>(bodies[0], Api.Json)!.Address);
        Assert.Equal(B, JsonSerializer.Deserialize<ClusterAddressRequest>(bodies[1], Api.Json)!.Address);
    }

    [Fact]
    public async Task Leave_says_what_the_node_waits_for_and_wait_returns_once_the_member_is_gone()
    {
        // Ahead of now: --wait gives up a minute after the deadline.
        var by = new DateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(10).UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddHours(14).AddMinutes(5);
        var polls = 0;
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapPost(Api.ClusterLeave, () => Results.Json(
                new ClusterActionDto("leave", [B]) { LiveSessions = ["s-1", "s-2"], LeavesBy = by }, Api.Json, statusCode: 202));
            // B is leaving for two looks, then gone.
            app.MapGet(Api.Cluster, () => Results.Json(
                ++polls <= 2 ? TwoNodes with { Members = [TwoNodes.Members[0], TwoNodes.Members[1] with { Status = "leaving" }] }
                    : TwoNodes with { Members = [TwoNodes.Members[0]] },
                Api.Json));
        });
        using var cli = new TestCli(node.Url);

        var asked = await cli.RunAsync("cluster", "leave", B);
        var waited = await cli.RunAsync("cluster", "leave", B, "--wait");

        Assert.Equal(0, asked.ExitCode);
        Assert.Equal(
            [
                $"asked {B} to leave the cluster: it takes no new session and leaves once its 2 live session(s) have ended, " +
                $"by {by.UtcDateTime:yyyy-MM-dd} 14:05:00 UTC at the latest (then they are interrupted)",
                "live: s-1, s-2",
            ],
            asked.Out.TrimEnd().Split('\n'));
        Assert.Equal(0, waited.ExitCode);
        Assert.Equal($"{B} left the cluster", waited.Out.TrimEnd().Split('\n')[^1]);
        Assert.Equal(3, polls);
    }

    [Fact]
    public async Task Down_needs_an_address_and_a_problem_from_the_node_is_one_line_and_exit_1()
    {
        await using var node = await FakeNode.StartAsync(app => app.MapPost(Api.ClusterDown, () => Results.Problem(
            detail: $"akka.ssl.tcp://sessioncluster@10.0.0.9:4053 is not a member of the cluster; the members are: {A}", statusCode: 404, title: "Unknown member")));
        using var cli = new TestCli(node.Url);

        Assert.Equal(2, (await cli.RunAsync("cluster", "down")).ExitCode);
        var run = await cli.RunAsync("cluster", "down", "akka.ssl.tcp://sessioncluster@10.0.0.9:4053");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"sessionctl: akka.ssl.tcp://sessioncluster@10.0.0.9:4053 is not a member of the cluster; the members are: {A}", run.Error.Trim());
    }

    [Fact]
    public async Task Region_stats_asks_for_the_region_and_prints_shards_per_node()
    {
        var stats = new RegionStatsDto("session",
        [
            new RegionNodeStatsDto(A, [new ShardStatsDto("3", 2), new ShardStatsDto("12", 1)], []),
            new RegionNodeStatsDto(B, [], ["7"]),
        ]);
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet(Api.ShardRegionStats, () => Results.Json(stats, Api.Json));
            app.MapGet(Api.ShardRegions, () => Results.Json(new List<ShardRegionDto> { new("session", ["sessions"]) }, Api.Json));
            app.MapGet(Api.ShardEntity("s-1"), () => Results.Json(new ShardEntityDto("s-1", "session", "12", A, "node-a", "id-a"), Api.Json));
        });
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("cluster-sharding", "region-stats", "-r", "sessions");
        var regions = await cli.RunAsync("cluster-sharding", "regions");
        var entity = await cli.RunAsync("cluster-sharding", "entity", "s-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/api/cluster/sharding/region-stats?region=sessions", node.Requests.First().PathAndQuery);
        Assert.Equal(
            ["Shard region: session", $"{A}: 2 shards, 3 entities", "  shard 3: 2 entities", "  shard 12: 1 entities",
             $"{B}: 0 shards, 0 entities", "  shard 7: did not answer in time", "Count: 2 shards, 3 entities on 2 nodes"],
            run.Out.TrimEnd().Split('\n'));
        Assert.Equal("session (also: sessions)", regions.Out.Trim());
        Assert.Equal($"session s-1: region session, shard 12, on {A}; agent process on node-a (node id id-a)", entity.Out.Trim());
        Assert.Equal(2, (await cli.RunAsync("cluster-sharding", "region-stats")).ExitCode);
    }

    [Fact]
    public async Task Json_prints_the_node_answer()
    {
        await using var node = await ClusterNode();
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("cluster", "show", "--json");

        var back = JsonSerializer.Deserialize<ClusterDto>(run.Out, Api.Json)!;
        Assert.Equal([A, B], back.Members.Select(m => m.Address));
        Assert.Equal("id-a", back.Members[0].NodeId);
    }
}
