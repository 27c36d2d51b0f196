using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Issue 9 with real parts: a prompt of the largest allowed size crosses the nodes whole (the remoting frame holds it),
/// and placement keeps to each node's <c>sessioncluster.agents.max-live-sessions</c> (1 here): a full pinned node is
/// refused, an unpinned launch goes where there is room, and a cluster with every node full refuses the launch.
/// The tests share one cluster; each starts once no agent host runs a session and kills what it launched.
/// </summary>
/// <remarks>
/// One byte over the prompt limit is a 413 (exit 1): LaunchValidationTests (multi-byte characters at the boundary) and
/// BadInputTests.A_prompt_of_one_mebibyte_is_refused_with_the_limit_and_the_setting (through a real node and sessionctl).
/// </remarks>
public sealed class PromptSizeAndCapacityTests(OneSlotClusterFixture fixture) : IClassFixture<OneSlotClusterFixture>
{
    /// <summary>sessioncluster.sessions.max-prompt-bytes by default: 256 KiB of UTF-8.</summary>
    private const int MaxPromptBytes = 262_144;

    private NodeCluster Cluster => fixture.Cluster;

    private NodeProcess A => Cluster.Nodes[0];

    private NodeProcess B => Cluster.Nodes[1];

    [Fact]
    public async Task A_prompt_of_exactly_the_largest_size_launched_through_one_node_runs_on_another_and_reaches_the_model_whole()
    {
        await AllHostsIdleAsync();
        var tail = $"END-OF-PROMPT-{Guid.NewGuid():N}";
        var prompt = LargestPrompt(tail);
        Assert.Equal(MaxPromptBytes, Encoding.UTF8.GetByteCount(prompt));
        var file = Path.Combine(Cluster.NewWorkdir(), "prompt.txt");
        await File.WriteAllTextAsync(file, prompt, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        // Through A, pinned to B: the launch reaches the session's entity and the StartAgent reaches B's agent host
        // over remoting (at least one of them crosses nodes), with the prompt.
        var ctl = new Sessionctl(A);
        var launched = await ctl.SessionAsync(
            "launch", "--agent", "claude", "--workdir", Cluster.NewWorkdir(), "--single-turn", "--prompt-file", file, "--node", NodeCluster.AddressOf(B));
        try
        {
            var session = await ctl.WaitAsync(launched.Id, "completed,failed", timeoutSeconds: 90);
            Assert.True(session.Status == "completed", $"the session ended {session.Status}: {session.Error?.Message}\n{Cluster.Outputs()}");
            Assert.Equal(1, session.TurnsCompleted);
            Assert.Equal(NodeCluster.AddressOf(B), session.Node);
            Assert.Same(B, Cluster.NodeWithId(session.NodeId!));
            Assert.Equal(prompt, session.Prompt);

            var request = await fixture.Model.WaitForRequestAsync(r => r.IsTurn && r.Body.Contains(tail, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            var sent = Assert.Single(request.UserTexts, t => t.Contains(tail, StringComparison.Ordinal));
            Assert.Equal(prompt.Length, sent.Length);
            Assert.Equal(prompt, sent);
        }
        finally
        {
            await ctl.RunAsync("kill", launched.Id);
        }
    }

    [Fact]
    public async Task With_one_slot_a_node_each_a_full_pinned_node_is_refused_others_take_launches_and_a_full_cluster_refuses_one()
    {
        var hosts = await AllHostsIdleAsync();
        Assert.All(hosts.Hosts, h => Assert.Equal(1, h.Capacity));
        var b = hosts.Hosts.Single(h => h.Address == NodeCluster.AddressOf(B));
        var ctl = new Sessionctl(A);
        var launched = new List<string>();
        try
        {
            var onB = await LaunchLiveAsync(ctl, launched, "--node", NodeCluster.AddressOf(B));
            Assert.Equal(NodeCluster.AddressOf(B), onB.Node);

            // agents show, asked on the third node: B runs 1 of 1.
            var third = new Sessionctl(Cluster.Nodes[2]);
            var shownB = (await third.JsonAsync<AgentHostsDto>("agents", "show")).Hosts.Single(h => h.Address == b.Address);
            Assert.Equal((1, 1), (shownB.Capacity, shownB.LiveSessions));
            var line = (await third.OkAsync("agents", "show")).Split('\n').Single(l => l.StartsWith(b.Address + " ", StringComparison.Ordinal));
            Assert.Equal(["1", "1", "no"], line.Split(" | ")[3..].Select(c => c.Trim()));

            var pinned = await ctl.RunAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "no room here", "--node", NodeCluster.AddressOf(B)));
            AssertRefused(pinned,
                $"node {b.NodeName} is at its capacity (1/1 live sessions, sessioncluster.agents.max-live-sessions); try again when a session ends");
            await AssertHttp503Async(NodeCluster.AddressOf(B), $"node {b.NodeName} is at its capacity (1/1 live sessions");

            // Unpinned, the launches go to the two nodes with room, one each.
            var elsewhere = new[] { await LaunchLiveAsync(ctl, launched), await LaunchLiveAsync(ctl, launched) };
            Assert.Equal(Cluster.Except(B).Select(NodeCluster.AddressOf).Order(), elsewhere.Select(s => s.Node!).Order());

            var full = await ctl.RunAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "no room anywhere"));
            var each = string.Join(", ", Enumerable.Repeat($"{b.NodeName} 1/1", 3));
            AssertRefused(full, $"every agent host is at its capacity (sessioncluster.agents.max-live-sessions): {each}; try again when a session ends");
            await AssertHttp503Async(null, "every agent host is at its capacity");
            Assert.All((await third.JsonAsync<AgentHostsDto>("agents", "show")).Hosts, h => Assert.Equal((1, 1), (h.Capacity, h.LiveSessions)));
        }
        finally
        {
            foreach (var id in launched)
            {
                await ctl.RunAsync("kill", id);
            }
        }
    }

    /// <summary>A multi-turn claude session launched through <paramref name="ctl"/>, once it waits for its next input.</summary>
    private async Task<SessionDto> LaunchLiveAsync(Sessionctl ctl, List<string> launched, params string[] more)
    {
        var session = await ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(Cluster.NewWorkdir(), "stay live", more));
        launched.Add(session.Id);
        return await ctl.WaitAsync(session.Id, "waiting-for-input");
    }

    /// <summary>A refused launch through sessionctl: exit 1 and exactly this one line (sessionctl retried the 503 once).</summary>
    private static void AssertRefused(SessionctlProcess.Result result, string detail)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"sessionctl: {detail}", result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    /// <summary>The same refusal over HTTP: a 503 problem with Retry-After, nothing launched.</summary>
    private async Task AssertHttp503Async(string? node, string detail)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", A.Token);
        var body = JsonSerializer.Serialize(
            new LaunchSessionRequest { Agent = "claude", Prompt = "x", Workdir = Cluster.NewWorkdir(), Node = node }, Api.Json);
        using var refused = await http.PostAsync($"{A.Url}{Api.Sessions}", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null, "a 503 says when to retry");
        Assert.Contains(detail, await refused.Content.ReadAsStringAsync());
    }

    /// <summary>The agent hosts once none runs or holds a slot for a session (what an earlier test launched has ended).</summary>
    private async Task<AgentHostsDto> AllHostsIdleAsync()
    {
        AgentHostsDto hosts = null!;
        await Eventually.HoldsAsync(async () =>
        {
            hosts = await new Sessionctl(A).JsonAsync<AgentHostsDto>("agents", "show");
            Assert.Equal(3, hosts.Hosts.Count);
            Assert.All(hosts.Hosts, h => Assert.Equal(0, h.LiveSessions));
        }, seconds: 60);
        return hosts;
    }

    /// <summary>
    /// Exactly <see cref="MaxPromptBytes"/> UTF-8 bytes ending in <paramref name="tail"/>: quotes, backslashes and control
    /// characters that JSON writes as two to six bytes, and two-, three- and four-byte characters (a surrogate pair).
    /// </summary>
    private static string LargestPrompt(string tail)
    {
        var text = new StringBuilder("Read all of this and answer Done.\n");
        var bytes = Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(tail);
        for (var line = 0; ; line++)
        {
            var next = $"line {line:D5}: \"quoted\" \\back\\slash\\ café 日本語 😀 <tag> & 'apos'\t\u0001end\n";
            var size = Encoding.UTF8.GetByteCount(next);
            if (bytes + size > MaxPromptBytes)
            {
                break;
            }

            text.Append(next);
            bytes += size;
        }

        return text.Append('x', MaxPromptBytes - bytes).Append(tail).ToString();
    }
}
