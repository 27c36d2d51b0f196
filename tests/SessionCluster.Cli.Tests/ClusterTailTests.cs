using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>cluster tail</c>: how it prints the member events, and that a stream the node ends is an error.</summary>
public sealed class ClusterTailTests
{
    private const string A = "akka.ssl.tcp://sessioncluster@10.0.0.5:4053";
    private const string B = "akka.ssl.tcp://sessioncluster@10.0.0.6:4053";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 1, 2, TimeSpan.Zero);

    private static string Frame(ClusterMemberEventDto e) =>
        $"event: {e.Event}\ndata: {JsonSerializer.Serialize(e, new JsonSerializerOptions(Api.Json) { WriteIndented = false })}\n\n";

    private static readonly string Snapshot =
        Frame(new("member-up", A, ["agent-host", "node-id-a1"], "up", At) { NodeId = "a1", Snapshot = true }) +
        Frame(new("leader-changed", A, [], null, At) { Snapshot = true });

    private static readonly string Live =
        Frame(new("member-left", B, ["agent-host"], "leaving", At.AddSeconds(5))) +
        Frame(new("leader-changed", null, [], null, At.AddSeconds(6)));

    private static Task<FakeNode> StreamNode(string answer) => FakeNode.StartAsync(app => app.MapGet(Api.ClusterEvents, async (HttpContext http) =>
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.WriteAsync(": keep-alive\n\n" + answer);
    }));

    [Fact]
    public async Task Each_event_is_a_pbm_line_and_a_stream_the_node_ends_is_exit_3()
    {
        await using var node = await StreamNode(Snapshot + Live);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("cluster", "tail");

        string Time(int seconds) => At.AddSeconds(seconds).ToLocalTime().ToString("HH:mm:ss");
        Assert.Equal(
            [
                $"[{Time(0)}] MemberUp {A} roles: agent-host, node-id-a1 status: up (current)",
                $"[{Time(0)}] LeaderChanged {A} (current)",
                $"[{Time(5)}] MemberLeft {B} roles: agent-host status: leaving",
                $"[{Time(6)}] LeaderChanged none",
            ],
            run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, run.ExitCode);
        Assert.Equal($"sessionctl: stopped following the cluster's events: the node at {node.Url} ended the stream", run.Error.Trim());
        Assert.Equal([Api.ClusterEvents], node.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Json_is_the_nodes_object_per_line_and_dropped_is_exit_3_with_the_reason()
    {
        await using var node = await StreamNode(Snapshot + "event: dropped\ndata: {\"reason\":\"the node is stopping\"}\n\n" + Live);
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("cluster", "tail", "--json");

        var events = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<ClusterMemberEventDto>(l, Api.Json)!).ToList();
        Assert.Equal([("member-up", (string?)A, true), ("leader-changed", A, true)], events.Select(e => (e.Event, e.Address, e.Snapshot)));
        Assert.Equal("a1", events[0].NodeId);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("sessionctl: stopped following the cluster's events: the node is stopping", run.Error.Trim());
    }

    [Fact]
    public async Task A_node_that_is_not_there_is_exit_3_at_once()
    {
        using var cli = new TestCli($"http://127.0.0.1:{FreePort()}");

        var run = await cli.RunAsync("cluster", "tail");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("sessionctl: cannot reach the node at http://127.0.0.1:", run.Error);
        Assert.Empty(run.Out);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
