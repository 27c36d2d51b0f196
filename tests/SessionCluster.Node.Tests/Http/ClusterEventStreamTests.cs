using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Contracts;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

/// <summary>
/// GET /api/cluster/events over real HTTP (Kestrel on a free port, the node's token middleware) against a real
/// one-member cluster on loopback: the snapshot, keep-alives, the tap gone with its client, dropped when the node stops.
/// </summary>
public sealed class ClusterEventStreamTests : IAsyncLifetime
{
    private const string Token = "cluster-events-token";

    private readonly TempDir temp = new();
    private ActorSystem system = null!;
    private WebApplication app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        system = ActorSystem.Create("sessioncluster", ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.roles = [agent-host]
            akka.loglevel = WARNING
            """));
        var up = new TaskCompletionSource();
        var cluster = Cluster.Get(system);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(system);
        builder.Services.AddSingleton(ApiToken.LoadOrCreate(Token, temp.Path));
        builder.Services.AddSingleton(new EventStreamSettings(
            FollowBuffer: 10, Heartbeat: TimeSpan.FromMilliseconds(300), StatusInterval: TimeSpan.FromMilliseconds(100), LastWriteTimeout: TimeSpan.FromSeconds(2)));
        app = builder.Build();
        app.UseMiddleware<BearerTokenMiddleware>();
        app.MapGet(Api.ClusterEvents, ClusterEventStream.RunAsync);
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        await system.Terminate();
        temp.Dispose();
    }

    private string Self => Cluster.Get(system).SelfAddress.ToString();

    [Fact]
    public async Task The_snapshot_names_the_member_and_the_leader_then_a_quiet_stream_sends_keep_alives()
    {
        await using var stream = await SseStream.OpenAsync(http, Api.ClusterEvents);
        Assert.Equal("text/event-stream", stream.ContentType);

        var events = await stream.ReadAsync(2);
        Assert.Equal([("member-up", "member-up"), ("leader-changed", "leader-changed")], events.Select(e => (e.Type, Dto(e).Event)));
        Assert.All(events, e => Assert.Null(e.Id));
        var member = Dto(events[0]);
        Assert.Equal((Self, "up", true), (member.Address, member.Status, member.Snapshot));
        Assert.Equal(["agent-host"], member.Roles);
        Assert.Equal((Self, (string?)null, true), (Dto(events[1]).Address, Dto(events[1]).Status, Dto(events[1]).Snapshot));

        Assert.Equal(": keep-alive", await stream.ReadCommentAsync());
    }

    [Fact]
    public async Task No_token_no_stream()
    {
        using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };
        using var response = await anonymous.GetAsync(Api.ClusterEvents, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_subscription_ends_with_its_client()
    {
        var taps = ClusterEventTaps.Get(system);
        var before = taps.Live;
        var stream = await SseStream.OpenAsync(http, Api.ClusterEvents);
        await stream.ReadAsync(2);
        Assert.Equal(before + 1, taps.Live);

        await stream.DisposeAsync();
        var clock = Stopwatch.StartNew();
        while (taps.Live != before)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{taps.Live - before} taps outlived their client");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_node_that_stops_ends_the_stream_with_dropped()
    {
        await using var stream = await SseStream.OpenAsync(http, Api.ClusterEvents);
        await stream.ReadAsync(2);

        var stopping = app.StopAsync();
        var last = Assert.Single(await stream.ReadToEndAsync());
        Assert.Equal(Api.StreamDropped, last.Type);
        Assert.Contains("the node is stopping", JsonSerializer.Deserialize<EventStreamDroppedDto>(last.Data, Api.Json)!.Reason);
        await stopping;
    }

    private static ClusterMemberEventDto Dto(SseStream.Event e) => JsonSerializer.Deserialize<ClusterMemberEventDto>(e.Data, Api.Json)!;
}
