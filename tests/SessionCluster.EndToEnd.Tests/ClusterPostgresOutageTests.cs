using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// PostgreSQL stopped (as in a crash) under a real cluster of three node processes (issue 9, as
/// <see cref="PostgresOutageTests"/> shows it for one node): every node stays up and a member, says it is not ready
/// while its liveness holds, refuses commands with the database's 503; once the server is back every node is ready
/// again, the sessions live on each node go on there, new ones launch on each node, and the journal (the sessions'
/// rows and sharding's remembered entities) is whole.
/// </summary>
public sealed class ClusterPostgresOutageTests(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    /// <summary>How long PostgreSQL stays down: the issue's 30 s, measured while the checks below run.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    /// <summary>How soon each node must notice the database is gone, and that it is back.</summary>
    private static readonly TimeSpan HealthDeadline = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How soon after a node is ready again its sessions must answer: the journal's circuit breaker, opened during the
    /// outage by the failing recoveries of a session its shard restarts, lets a call through every 2 s (hocon/base.hocon).
    /// </summary>
    private const int ResumeDeadlineSeconds = 15;

    /// <summary>Sharding's remembered entities of the session type, one persistence id per shard.</summary>
    private const string RememberedShards = "/sharding/sessionShard/%";

    private NodeCluster Cluster => fixture.Cluster;

    /// <summary>The test's own connections to the cluster's database: never pooled, as the outage breaks any open one.</summary>
    private string Unpooled => new NpgsqlConnectionStringBuilder(Cluster.ConnectionString) { Pooling = false }.ConnectionString;

    [Fact]
    public async Task Three_nodes_survive_postgres_stopped_for_30_s_and_every_session_resumes_on_its_node()
    {
        var claude = AgentUnderTest.Of("claude");
        var nodes = Cluster.Nodes;

        // One multi-turn session per node, each launched through another node and pinned to its own.
        fixture.Model.Enqueue(ModelReply.Text("Before the outage."), ModelReply.Text("Before the outage."), ModelReply.Text("Before the outage."));
        var live = new List<(SessionDto Session, NodeProcess Node)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var through = new Sessionctl(nodes[(i + 1) % nodes.Count]);
            var launched = await through.SessionAsync(claude.Launch(Cluster.NewWorkdir(), $"first on node{i + 1}", "--node", NodeCluster.AddressOf(node)));
            live.Add((launched, node));
        }

        for (var i = 0; i < live.Count; i++)
        {
            var (launched, node) = live[i];
            var waiting = await new Sessionctl(node).WaitAsync(launched.Id, "waiting-for-input");
            Assert.Equal((1, NodeCluster.AddressOf(node)), (waiting.TurnsCompleted, waiting.Node));
            live[i] = (waiting, node);
        }

        var rowsBefore = new Dictionary<string, JournalRows>();
        foreach (var (session, _) in live)
        {
            rowsBefore[session.Id] = await JournalRowsAsync($"session-{session.Id}");
            Assert.True(rowsBefore[session.Id].Count > 0 && rowsBefore[session.Id].Consistent, $"journal rows of {session.Id} before the outage: {rowsBefore[session.Id]}");
            Assert.True(await RememberedAsync(session.Id), $"{session.Id} is remembered by its shard before the outage");
        }

        // And one more on the second node, busy with its first turn when the database goes: the turn ends during the
        // outage, its journal write fails, the session stops and its shard (remembering it) starts it again and again.
        var release = new TaskCompletionSource();
        fixture.Model.Enqueue(ModelReply.Held(release.Task, ModelReply.Text("Answered during the outage.")));
        var busy = await new Sessionctl(nodes[0]).SessionAsync(claude.Launch(Cluster.NewWorkdir(), "busy", "--node", NodeCluster.AddressOf(nodes[1])));
        await new Sessionctl(nodes[1]).WaitAsync(busy.Id, "running");

        var processes = nodes.Select(n => Process.GetProcessById(n.Pid)).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await fixture.Postgres.StopAsync();
        var outage = Stopwatch.StartNew();

        // Each node notices within the deadline.
        foreach (var node in nodes)
        {
            await Eventually.HoldsAsync(async () => Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, node, "/healthz/ready")), HealthDeadline);
        }

        // Commands on every node are refused with the database's reason: a respond through sessionctl, a launch through the API.
        for (var i = 0; i < nodes.Count; i++)
        {
            AssertUnavailable(await new Sessionctl(nodes[i]).RunAsync("respond", live[i].Session.Id, "during the outage"), nodes[i]);
            AssertUnavailable(await new Sessionctl(nodes[i]).RunAsync(claude.Launch(Cluster.NewWorkdir(), "during the outage")), nodes[i]);
            await AssertLaunchRefusedAsync(http, nodes[i]);
        }

        release.SetResult();

        // Until the outage has lasted its 30 s, on every node: the process runs, it is live and not ready (saying why),
        // and it still sees all three members up and reachable: nobody is downed because of the database.
        var rounds = 0;
        while (outage.Elapsed < Outage)
        {
            foreach (var (node, process) in nodes.Zip(processes))
            {
                Assert.False(process.HasExited, $"{node.Url} exited during the outage:\n{node.Output}");
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, node, "/healthz/live"));
                using (var ready = await http.GetAsync($"{node.Url}/healthz/ready"))
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                    Assert.Contains("\"database\":\"unreachable\"", await ready.Content.ReadAsStringAsync());
                }

                var members = (await NodeCluster.ClusterAsync(node)).GetProperty("members").EnumerateArray()
                    .Select(m => (m.GetProperty("address").GetString(), m.GetProperty("status").GetString(), m.GetProperty("reachable").GetBoolean()))
                    .ToList();
                Assert.True(
                    members.Count == 3 && members.All(m => m.Item2 == "up" && m.Item3),
                    $"{node.Url} sees {string.Join(", ", members)} {outage.Elapsed.TotalSeconds:0.0} s into the outage");
            }

            rounds++;
            await Task.Delay(500); // the poll's pace, not a wait for something to happen
        }

        Assert.True(rounds >= 10, $"only {rounds} rounds of checks in {Outage.TotalSeconds} s");
        await fixture.Postgres.StartAgainAsync();

        foreach (var node in nodes)
        {
            await Eventually.HoldsAsync(async () => Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, node, "/healthz/ready")), HealthDeadline);
        }

        // The busy session's turn, which ended during the outage, is not lost: its agent's facts are delivered again to
        // the session recovered from the journal, on its node, soon after the database is back.
        var recovered = await new Sessionctl(nodes[0]).WaitAsync(busy.Id, "waiting-for-input", ResumeDeadlineSeconds);
        Assert.Equal((1, NodeCluster.AddressOf(nodes[1])), (recovered.TurnsCompleted, recovered.Node));

        // Nothing was written for the sessions while the database was down, and nothing half-written.
        foreach (var (session, _) in live)
        {
            Assert.Equal(rowsBefore[session.Id], await JournalRowsAsync($"session-{session.Id}"));
        }

        // Each session live before the outage has its state and runs its second turn on the node that ran its first;
        // the respond goes through another node.
        fixture.Model.Enqueue(ModelReply.Text("After the outage."), ModelReply.Text("After the outage."), ModelReply.Text("After the outage."));
        for (var i = 0; i < live.Count; i++)
        {
            var (session, node) = live[i];
            var other = new Sessionctl(nodes[(i + 2) % nodes.Count]);
            var kept = await other.SessionAsync("show", session.Id);
            Assert.Equal(("waiting-for-input", 1, session.CostUsd, session.Node), (kept.Status, kept.TurnsCompleted, kept.CostUsd, kept.Node));
            await Eventually.HoldsAsync(
                async () =>
                {
                    var responded = await other.RunAsync("respond", session.Id, "second");
                    Assert.True(responded.ExitCode == 0, $"respond to {session.Id} after the outage: {responded}");
                },
                ResumeDeadlineSeconds);
        }

        foreach (var (session, node) in live)
        {
            var second = await new Sessionctl(node).WaitAsync(session.Id, "waiting-for-input");
            Assert.Equal((2, 1, NodeCluster.AddressOf(node)), (second.TurnsCompleted, second.RespondCount, second.Node));
            Assert.Same(node, Cluster.NodeWithId(second.NodeId!));
        }

        // A new session launches through, and runs on, each node.
        fixture.Model.Enqueue(ModelReply.Text("New after the outage."), ModelReply.Text("New after the outage."), ModelReply.Text("New after the outage."));
        var fresh = new List<string>();
        foreach (var node in nodes)
        {
            var ctl = new Sessionctl(node);
            var launched = await ctl.SessionAsync(claude.Launch(Cluster.NewWorkdir(), "after the outage", "--single-turn", "--node", NodeCluster.AddressOf(node)));
            var done = await ctl.WaitAsync(launched.Id, "completed");
            Assert.Equal((1, NodeCluster.AddressOf(node)), (done.TurnsCompleted, done.Node));
            fresh.Add(launched.Id);
        }

        // Every node's session list (its directory, following the journal) caught up, and the cluster's one notifier
        // (a singleton, reading the journal) delivered the new sessions' completions: both carried on after the outage.
        foreach (var node in nodes)
        {
            await Eventually.HoldsAsync(async () =>
            {
                var listed = await new Sessionctl(node).RunAsync("list");
                Assert.All(live.Select(l => l.Session.Id).Concat(fresh).Append(busy.Id), id => Assert.Contains(id, listed.Stdout));
            });
        }

        foreach (var id in fresh)
        {
            await Eventually.HoldsAsync(async () =>
            {
                var notes = await new Sessionctl(nodes[0]).RunAsync("notify", "list", id, "--json");
                var listed = JsonSerializer.Deserialize<List<NotificationDto>>(notes.Stdout, Api.Json)!;
                Assert.Contains(listed, n => n.Kind == "completed" && n.State == "delivered");
            });
        }

        // The journal: every session's rows numbered 1..n without gap or duplicate (the live ones grew), and sharding's
        // remembered entities the same per shard, with the live sessions still remembered and the new ones written after the outage.
        foreach (var (session, _) in live)
        {
            var rows = await JournalRowsAsync($"session-{session.Id}");
            Assert.True(rows.Consistent && rows.Count > rowsBefore[session.Id].Count, $"journal rows of {session.Id}: {rowsBefore[session.Id]} then {rows}");
            Assert.True(await RememberedAsync(session.Id), $"{session.Id} is still remembered by its shard");
        }

        foreach (var id in fresh.Append(busy.Id))
        {
            Assert.True((await JournalRowsAsync($"session-{id}")).Consistent, $"journal rows of {id}");
            Assert.True(await RememberedAsync(id), $"{id} was remembered by its shard");
        }

        foreach (var (persistenceId, rows) in await RememberedShardRowsAsync())
        {
            Assert.True(rows.Consistent, $"remembered entities of {persistenceId}: {rows}");
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, NodeProcess node, string path)
    {
        using var response = await http.GetAsync($"{node.Url}{path}");
        return response.StatusCode;
    }

    /// <summary>A command refused because the database is down: exit 1, one line naming the database, no stack trace.</summary>
    private static void AssertUnavailable(SessionctlProcess.Result result, NodeProcess node)
    {
        Assert.True(result.ExitCode == 1, $"expected the API error exit code 1 from {node.Url}: {result}\nnode:\n{node.Output[^Math.Min(4000, node.Output.Length)..]}");
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("sessionctl: ", line);
        Assert.Contains("database", line);
        Assert.Contains("unreachable", line);
        Assert.DoesNotContain(" at ", line);
        Assert.Equal("", result.Stdout.Trim());
    }

    /// <summary>A launch through the API: the database's 503, a problem saying so, with a Retry-After.</summary>
    private async Task AssertLaunchRefusedAsync(HttpClient http, NodeProcess node)
    {
        using var launch = new HttpRequestMessage(HttpMethod.Post, $"{node.Url}/api/sessions");
        launch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        launch.Content = new StringContent(
            JsonSerializer.Serialize(new { agent = "claude", prompt = "during the outage", workdir = Cluster.NewWorkdir() }), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(launch);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"launch on {node.Url} during the outage: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is not null, "a 503 for the database says when to retry");
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("database", detail);
        Assert.Contains("unreachable", detail);
    }

    /// <summary>Whether some remembered-entities row of a session shard names <paramref name="sessionId"/> (its events hold the entity ids as text).</summary>
    private async Task<bool> RememberedAsync(string sessionId)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM journal WHERE persistence_id LIKE @shards AND NOT deleted AND position(convert_to(@id, 'UTF8') IN message) > 0", connection);
        command.Parameters.AddWithValue("shards", RememberedShards);
        command.Parameters.AddWithValue("id", sessionId);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    /// <summary>The rows of one persistence id: how many, how many distinct sequence numbers, the highest.</summary>
    private async Task<JournalRows> JournalRowsAsync(string persistenceId) =>
        (await RowsAsync("persistence_id = @id", persistenceId)).SingleOrDefault().Rows ?? new JournalRows(0, 0, 0);

    /// <summary>The remembered-entities rows of every session shard, per persistence id.</summary>
    private Task<List<(string PersistenceId, JournalRows Rows)>> RememberedShardRowsAsync() => RowsAsync("persistence_id LIKE @id", RememberedShards);

    private async Task<List<(string PersistenceId, JournalRows Rows)>> RowsAsync(string where, string id)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT persistence_id, count(*), count(DISTINCT sequence_number), max(sequence_number) FROM journal WHERE {where} GROUP BY persistence_id", connection);
        command.Parameters.AddWithValue("id", id);
        var rows = new List<(string, JournalRows)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), new JournalRows(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))));
        }

        return rows;
    }
}
