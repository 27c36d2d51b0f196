using System.Text.Json;
using System.Text.RegularExpressions;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The pbm-style verbs that read the cluster, through the real sessionctl against one live cluster of three real
/// node processes: members, leader, reachability, sharding's regions and stats, where a live claude session lives,
/// <c>cluster tail</c>'s snapshot ended by Ctrl+C, <c>agents show</c>, and <c>launch --node</c> pinning a session to a
/// node. None changes the membership, so they share the cluster.
/// </summary>
public sealed class ThreeNodeClusterVerbTests(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private NodeCluster Cluster => fixture.Cluster;

    /// <summary>The members' addresses in Akka's order (all on 127.0.0.1: by port), as the node lists them.</summary>
    private IReadOnlyList<string> Addresses => Cluster.Nodes.OrderBy(n => n.AkkaPort).Select(NodeCluster.AddressOf).ToList();

    [Fact]
    public async Task Show_lists_three_members_up_every_node_names_the_same_leader_and_none_is_unreachable()
    {
        foreach (var node in Cluster.Nodes)
        {
            var cluster = await JsonAsync<ClusterDto>(node, "cluster", "show");
            Assert.Equal(NodeCluster.AddressOf(node), cluster.Self);
            Assert.Equal(Addresses, cluster.Members.Select(m => m.Address));
            Assert.All(cluster.Members, m => Assert.Equal(("up", true), (m.Status, m.Reachable)));

            var shown = (await OkAsync(node, "cluster", "show")).TrimEnd().Split('\n');
            Assert.Equal(5, shown.Length);
            Assert.StartsWith("ADDRESS", shown[0]);
            Assert.Equal(Addresses, shown[1..4].Select(l => l.Split(" | ")[0].Trim()));
            Assert.All(shown[1..4], l => Assert.Matches(@"\| up\s+\| reachable\s+\|", l));
            Assert.Equal("Count: 3 nodes", shown[4]);

            var leader = (await OkAsync(node, "cluster", "leader")).Trim();
            Assert.Equal(cluster.Leader, leader);
            Assert.Contains(leader, Addresses);
            Assert.Equal("no unreachable nodes", (await OkAsync(node, "cluster", "unreachable")).Trim());
        }

        var leaders = await Task.WhenAll(Cluster.Nodes.Select(async n => (await OkAsync(n, "cluster", "leader")).Trim()));
        Assert.Single(leaders.Distinct());
    }

    [Fact]
    public async Task Sharding_regions_region_stats_and_entity_agree_on_every_node_about_a_live_claude_session()
    {
        foreach (var node in Cluster.Nodes)
        {
            Assert.Equal("session (also: sessions)", (await OkAsync(node, "cluster-sharding", "regions")).Trim());
        }

        fixture.Model.Enqueue(ModelReply.Text("Waiting on three nodes."));
        var first = new Sessionctl(Cluster.Nodes[0]);
        var launched = await first.SessionAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "wait for me"));
        var session = await first.WaitAsync(launched.Id, "waiting-for-input");
        Assert.NotNull(session.NodeId);

        var entities = new List<ShardEntityDto>();
        foreach (var node in Cluster.Nodes)
        {
            var entity = await JsonAsync<ShardEntityDto>(node, "cluster-sharding", "entity", session.Id);
            Assert.Equal((session.Id, "session"), (entity.Id, entity.Region));
            Assert.Contains(entity.Node, Addresses);
            Assert.Equal(session.NodeId, entity.ProcessNodeId);
            Assert.StartsWith($"session {session.Id}: region session, shard {entity.Shard}, on {entity.Node}; agent process on ",
                (await OkAsync(node, "cluster-sharding", "entity", session.Id)).Trim());
            entities.Add(entity);
        }

        // One shard, one home, whichever node is asked.
        Assert.Single(entities.Select(e => (e.Shard, e.Node)).Distinct());
        var home = entities[0];

        var stats = await JsonAsync<RegionStatsDto>(Cluster.Nodes[1], "cluster-sharding", "region-stats", "-r", "sessions");
        Assert.All(stats.Nodes, n => Assert.Contains(n.Address, Addresses));
        var hosting = Assert.Single(stats.Nodes, n => n.Shards.Any(s => s.Id == home.Shard));
        Assert.Equal(home.Node, hosting.Address);
        Assert.True(hosting.Shards.Single(s => s.Id == home.Shard).Entities >= 1);
        var printed = await OkAsync(Cluster.Nodes[2], "cluster-sharding", "region-stats", "-r", "sessions");
        Assert.Contains("Shard region: session", printed);
        Assert.Contains($"  shard {home.Shard}: ", printed);
        Assert.Matches(@"Count: \d+ shards, [1-9]\d* entities on [1-3] nodes", printed);

        await first.RunAsync("kill", session.Id);
    }

    [Fact]
    public async Task Tail_prints_the_three_members_and_the_leader_as_they_are_then_ends_cleanly_on_ctrl_c()
    {
        var leader = (await OkAsync(Cluster.Nodes[0], "cluster", "leader")).Trim();
        await using var tail = FollowingSessionctl.Start(Cluster.Nodes[1], "cluster", "tail");
        await using var json = FollowingSessionctl.Start(Cluster.Nodes[2], "cluster", "tail", "--json");

        foreach (var address in Addresses)
        {
            var line = await tail.WaitForLineAsync(l => l.Contains($" MemberUp {address} "), $"MemberUp {address}");
            Assert.Matches(
                $@"^\[\d\d:\d\d:\d\d\] MemberUp {Regex.Escape(address)} roles: agent-host, node-id-[0-9a-f]+ status: up \(current\)$", line);
        }

        Assert.Matches($@"^\[\d\d:\d\d:\d\d\] LeaderChanged {Regex.Escape(leader)} \(current\)$",
            await tail.WaitForLineAsync(l => l.Contains(" LeaderChanged "), "LeaderChanged"));

        await json.WaitForLineAsync(l => l.Contains("leader-changed"), "leader-changed");
        var events = json.Lines.Select(l => JsonSerializer.Deserialize<ClusterMemberEventDto>(l, Api.Json)!).ToList();
        Assert.Equal([.. Addresses.Select(a => ("member-up", (string?)a)), ("leader-changed", leader)], events.Select(e => (e.Event, e.Address)));
        Assert.All(events, e => Assert.True(e.Snapshot));
        Assert.All(events[..3], e => Assert.False(string.IsNullOrEmpty(e.NodeId)));

        // The stream is an /api route like any other: no token, no stream.
        using (var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        using (var refused = await anonymous.GetAsync($"{Cluster.Nodes[0].Url}{Api.ClusterEvents}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        tail.Interrupt();
        json.Interrupt();
        Assert.Equal((0, string.Empty), await tail.ExitAsync(30));
        Assert.Equal((0, string.Empty), await json.ExitAsync(30));
    }

    [Fact]
    public async Task Agents_show_lists_the_three_nodes_with_claude_and_codex_installed_and_their_versions()
    {
        var ids = Cluster.Nodes.ToDictionary(NodeCluster.AddressOf, n => File.ReadAllText(Path.Combine(n.DataDir, "node-id")).Trim());

        // Each host looks its agents' programs up (and asks their versions) as it starts: wait for that, with a deadline.
        AgentHostsDto agents = null!;
        await Eventually.HoldsAsync(async () =>
        {
            agents = await JsonAsync<AgentHostsDto>(Cluster.Nodes[1], "agents", "show");
            Assert.Equal(3, agents.Hosts.Count);
            Assert.All(agents.Hosts.SelectMany(h => h.Agents), a => Assert.NotNull(a.Version));
        }, seconds: 60);

        Assert.Empty(agents.Silent);
        Assert.Equal(Addresses, agents.Hosts.Select(h => h.Address));
        foreach (var host in agents.Hosts)
        {
            Assert.Equal(ids[host.Address], host.NodeId);
            Assert.False(host.Draining);
            Assert.True(host.Capacity > 0);
            Assert.Equal(["claude", "codex"], host.Agents.Select(a => a.Name));
            Assert.All(host.Agents, a => Assert.True(a.Installed && a.Problem is null && a.Path is not null, $"{host.Address}: {a}"));
            Assert.All(host.Agents, a => Assert.Matches(@"\d+\.\d+\.\d+", a.Version!));
        }

        var shown = (await OkAsync(Cluster.Nodes[2], "agents", "show")).TrimEnd().Split('\n');
        Assert.Equal(5, shown.Length);
        Assert.Matches(@"^ADDRESS\s+\| NODE\s+\| AGENTS\s+\| CAPACITY \| LIVE \| DRAINING$", shown[0]);
        Assert.Equal(Addresses, shown[1..4].Select(l => l.Split(" | ")[0].Trim()));
        foreach (var (line, host) in shown[1..4].Zip(agents.Hosts))
        {
            var claude = host.Agents[0].Version!;
            var codex = host.Agents[1].Version!;
            Assert.Contains($" | {host.NodeName} (id {host.NodeId})", line);
            Assert.Contains($" | claude {claude}, codex {codex} ", line);
            Assert.EndsWith(" | no", line);
        }

        Assert.Equal("Count: 3 agent hosts", shown[4]);
    }

    [Fact]
    public async Task Launch_node_through_one_node_runs_the_agent_on_the_node_named_by_address_or_id()
    {
        var first = new Sessionctl(Cluster.Nodes[0]);
        var third = Cluster.Nodes[2];
        var second = Cluster.Nodes[1];
        var secondId = File.ReadAllText(Path.Combine(second.DataDir, "node-id")).Trim();

        fixture.Model.Enqueue(ModelReply.Text("Pinned by address."));
        fixture.Model.Enqueue(ModelReply.Text("Pinned by id."));
        var byAddress = await first.SessionAsync(
            AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "run on the third node", "--node", NodeCluster.AddressOf(third)));
        var byId = await first.SessionAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "run on the second node", "--node", secondId));

        foreach (var (launched, node) in new[] { (byAddress, third), (byId, second) })
        {
            var session = await first.WaitAsync(launched.Id, "waiting-for-input");
            Assert.Equal(NodeCluster.AddressOf(node), session.Node);
            Assert.Same(node, Cluster.NodeWithId(session.NodeId!));
            Assert.False(string.IsNullOrEmpty(session.NodeName));

            // The agent's process is the pinned node's: its child (or its reaper's), not the node that took the launch.
            Assert.NotNull(session.Pid);
            Assert.Contains(node.Pid, Ancestors(session.Pid!.Value));
            Assert.DoesNotContain(Cluster.Nodes[0].Pid, Ancestors(session.Pid!.Value));

            // Any node shows it the same way; the human view gives the address, then the name and id.
            var elsewhere = await new Sessionctl(Cluster.Nodes[1]).SessionAsync("show", session.Id);
            Assert.Equal((session.Node, session.NodeId), (elsewhere.Node, elsewhere.NodeId));
            var printed = await OkAsync(Cluster.Nodes[1], "show", session.Id);
            Assert.Contains($"{session.Node} ({session.NodeName}, id {session.NodeId})", printed);
            await first.RunAsync("kill", session.Id);
        }
    }

    [Fact]
    public async Task A_pin_to_an_unknown_node_or_a_name_every_node_shares_is_refused_with_a_clear_message()
    {
        var first = new Sessionctl(Cluster.Nodes[0]);

        var unknown = await first.RunAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "go nowhere", "--node", "no-such-node"));
        Assert.Equal(1, unknown.ExitCode);
        var error = unknown.Stderr.Trim();
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("sessionctl: ", error);
        Assert.Contains("no agent host no-such-node in the cluster; the agent hosts are: ", error);
        Assert.All(Addresses, a => Assert.Contains(a, error));

        // The three test nodes run on one machine under its one host name: a name that names several is refused too.
        var sharedName = (await JsonAsync<AgentHostsDto>(Cluster.Nodes[0], "agents", "show")).Hosts[0].NodeName;
        var ambiguous = await first.RunAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "go anywhere", "--node", sharedName));
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains($"{sharedName} names 3 agent hosts (", ambiguous.Stderr);
        Assert.Contains("; give an Akka address or a node id", ambiguous.Stderr);

        // Over HTTP, the refusal is a 400 problem.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Cluster.Nodes[0].Token);
        var body = JsonSerializer.Serialize(new LaunchSessionRequest { Agent = "claude", Prompt = "x", Workdir = Cluster.NewWorkdir(), Node = "no-such-node" }, Api.Json);
        using var refused = await http.PostAsync($"{Cluster.Nodes[0].Url}{Api.Sessions}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("no agent host no-such-node in the cluster", await refused.Content.ReadAsStringAsync());
    }

    /// <summary>The process's parent, its parent's, and so on up to init (from /proc).</summary>
    private static List<int> Ancestors(int pid)
    {
        var ancestors = new List<int>();
        for (var at = pid; at > 1 && ancestors.Count < 64;)
        {
            var stat = File.ReadAllText($"/proc/{at}/stat");
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
            at = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            ancestors.Add(at);
        }

        return ancestors;
    }

    private static Task<T> JsonAsync<T>(NodeProcess node, params string[] args) => new Sessionctl(node).JsonAsync<T>(args);

    private static Task<string> OkAsync(NodeProcess node, params string[] args) => new Sessionctl(node).OkAsync(args);
}
