using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Tests;

/// <summary><c>agents show</c>, <c>launch --node</c> and the node a session shows, against a fake node.</summary>
public sealed class AgentsVerbTests
{
    private const string A = "akka.ssl.tcp://sessioncluster@10.0.0.1:4053";
    private const string B = "akka.ssl.tcp://sessioncluster@10.0.0.2:4053";
    private const string C = "akka.ssl.tcp://sessioncluster@10.0.0.3:4053";

    private static readonly AgentHostsDto Hosts = new(
    [
        new AgentHostDto(A, "node1", "id-a",
            [new AgentInstallationDto("claude", "2.0.14 (Claude Code)", true, "/usr/bin/claude", null), new AgentInstallationDto("codex", "codex-cli 0.46.0", true, "/usr/bin/codex", null)],
            8, 3, false),
        new AgentHostDto(B, "node2", "id-b",
            [new AgentInstallationDto("claude", null, true, "/usr/bin/claude", null), new AgentInstallationDto("codex", null, false, null, "codex was not found on PATH")],
            16, 0, true),
    ],
    [new SilentAgentHostDto(C, "id-c", false)]);

    [Fact]
    public async Task Show_prints_one_agent_host_a_line_in_pbm_columns_the_silent_ones_then_the_count()
    {
        await using var node = await FakeNode.StartAsync(app => app.MapGet(Api.Agents, () => Results.Json(Hosts, Api.Json)));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("agents", "show");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        var request = Assert.Single(node.Requests);
        Assert.Equal(("GET", "/api/agents"), (request.Method, request.PathAndQuery));
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"^ADDRESS\s+\| NODE\s+\| AGENTS\s+\| CAPACITY \| LIVE \| DRAINING$", lines[0]);
        Assert.Equal(
            $"{A} | node1 (id id-a) | claude 2.0.14 (Claude Code), codex codex-cli 0.46.0 | 8        | 3    | no", lines[1]);
        Assert.Equal(
            $"{B} | node2 (id id-b) | claude (version unknown), codex not installed       | 16       | 0    | draining", lines[2]);
        Assert.Equal(
            $"{C} | (id id-c)       | did not answer (unreachable)                        | -        | -    | -", lines[3]);
        Assert.Equal("Count: 3 agent hosts (1 did not answer)", lines[4]);
    }

    [Fact]
    public async Task Show_json_is_what_the_node_sent_and_a_cluster_of_answering_hosts_counts_them_plainly()
    {
        var answered = Hosts with { Silent = [] };
        await using var node = await FakeNode.StartAsync(app => app.MapGet(Api.Agents, () => Results.Json(answered, Api.Json)));
        using var cli = new TestCli(node.Url);

        var json = await cli.RunAsync("agents", "show", "--json");
        var plain = await cli.RunAsync("agents", "show");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(JsonSerializer.Serialize(answered, Api.Json), JsonSerializer.Serialize(JsonSerializer.Deserialize<AgentHostsDto>(json.Out, Api.Json), Api.Json));
        Assert.Equal("Count: 2 agent hosts", plain.Out.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public async Task Show_passes_a_refusal_on_as_a_one_line_error()
    {
        await using var node = await FakeNode.StartAsync(app => app.MapGet(Api.Agents, () => FakeNode.Problem(503, "the agent hosts did not answer within 10 s; try again")));
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync("agents", "show");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the agent hosts did not answer within 10 s; try again", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Launch_node_pins_the_session_and_without_it_no_node_is_sent()
    {
        await using var node = await FakeNode.StartAsync(app =>
            app.MapPost(Api.Sessions, () => FakeNode.Session(FakeNode.NewSession("s-1"), 201)));
        using var cli = new TestCli(node.Url);

        var pinned = await cli.RunAsync("launch", "--node", $" {B} ", "-q", "fix it");
        var any = await cli.RunAsync("launch", "-q", "fix it");
        var empty = await cli.RunAsync("launch", "--node", " ", "-q", "fix it");

        Assert.Equal((0, 0), (pinned.ExitCode, any.ExitCode));
        var bodies = node.Requests.Select(r => JsonSerializer.Deserialize<LaunchSessionRequest>(r.Body, Api.Json)!).ToList();
        Assert.Equal(B, bodies[0].Node);
        Assert.Null(bodies[1].Node);
        Assert.NotEqual(0, empty.ExitCode);
        Assert.Contains("--node must not be empty", empty.Error);
        Assert.Equal(2, node.Requests.Count);
    }

    [Fact]
    public async Task Show_names_the_node_by_address_then_name_and_id_and_the_list_by_name()
    {
        var session = FakeNode.NewSession("s-n") with { Node = B, NodeName = "node2", NodeId = "id-b" };
        await using var node = await FakeNode.StartAsync(app =>
        {
            app.MapGet(Api.Session("s-n"), () => FakeNode.Session(session));
            app.MapGet(Api.Sessions, () => Results.Json(new[] { session }, Api.Json));
        });
        using var cli = new TestCli(node.Url);

        var shown = await cli.RunAsync("show", "s-n");
        var listed = await cli.RunAsync("list");

        Assert.Equal(0, shown.ExitCode);
        Assert.Contains($"{B} (node2, id id-b)", shown.Out);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("node2", listed.Out);
        Assert.DoesNotContain("10.0.0.2", listed.Out);
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("node-a", null, null, "node-a")]
    [InlineData("node-a", "node-a", "id-a", "node-a (id id-a)")]
    [InlineData(A, "node1", null, A + " (node1)")]
    [InlineData(A, "node1", "id-a", A + " (node1, id id-a)")]
    public void The_node_line_gives_the_address_and_what_else_the_node_said(string? address, string? name, string? id, string? expected) =>
        Assert.Equal(expected, SessionView.NodeLine(FakeNode.NewSession("s") with { Node = address, NodeName = name, NodeId = id }));
}
