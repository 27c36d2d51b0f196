using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Actors.Membership;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Node.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Three actor systems in this process, one cluster on loopback (TLS between them), one real PostgreSQL for all:
/// sessions running the real claude spread over the nodes; one node aborted (no leave) is downed by the split brain
/// resolver with the node's own settings (live sessions remembered by sharding in the journal), and its sessions recover on the others: served from the journal by a
/// surviving node, live ones read node-lost and, launched with auto-resume (all share one HOME, so the agent's transcript
/// is there), are resumed on a surviving node and linked; the others' agents carry on. A node asked to leave
/// gracefully takes no new session and waits for its running one to finish before it leaves.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private const int SessionCount = 9;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDir temp = new();
    private InProcessCluster? running;
    private IReadOnlyList<ClusterNode> nodes = [];
    private PostgresServer postgres = null!;
    private string database = null!;
    private ScriptedModelServer model = null!;

    public async Task InitializeAsync()
    {
        postgres = await PostgresServer.StartAsync();
        database = await postgres.CreateDatabaseAsync("cluster");
        model = await ScriptedModelServer.StartAsync();
        running = await InProcessCluster.StartAsync(temp.Path, ["node-a", "node-b", "node-c"], $$"""
            persistence {
              provider = postgres
              postgres.connection-string = "{{postgres.ConnectionString(database)}}"
            }
            agents.claude.executable = "{{AgentBinaries.Claude}}"
            """,
            // An aborted node vanishes: no leave on the way out.
            "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        nodes = running.Nodes;
    }

    public async Task DisposeAsync()
    {
        if (running is not null)
        {
            await running.DisposeAsync();
        }

        await model.DisposeAsync();
        await postgres.DisposeAsync();
        temp.Dispose();
    }

    private IActorRef Region(ClusterNode node) => node.Services.GetRequiredService<IRequiredActor<SessionRegion>>().ActorRef;

    private LaunchSpec Spec(string workdir, bool multiTurn = true, string? node = null) => new(
        "claude", "Say done.", workdir, null, multiTurn, MaxAutoResponds: 0,
        AgentTestEnvironment.Claude(model.BaseUrl, temp.Combine("home")).ToImmutableSortedDictionary(StringComparer.Ordinal),
        Node: node,
        AutoResume: true);

    private async Task<SessionReply> Launch(ClusterNode via, string id, LaunchSpec spec) =>
        await Region(via).Ask<SessionReply>(new SessionCommandEnvelope(id, new LaunchSession(id, id, spec, DateTimeOffset.UtcNow)), Wait);

    private static void Accepted(SessionReply reply) =>
        Assert.True(reply is SessionAccepted, (reply as SessionRejected)?.Rejection.Reason);

    private Task AllUp() => running!.AllUpAsync(Wait);

    private static async Task<SessionState> Read(IActorRef region, string id)
    {
        var reply = await region.Ask<SessionReply>(new GetSession(id), TimeSpan.FromSeconds(10));
        return Assert.IsType<SessionAccepted>(reply).State;
    }

    private static Task<T> Eventually<T>(Func<Task<T>> attempt) => Testing.Eventually.ReturnsAsync(attempt, Wait);

    private static Task Eventually(Action assertion) => Testing.Eventually.HoldsAsync(assertion, Wait);

    private static Task Eventually(Func<Task> assertion) => Testing.Eventually.HoldsAsync(assertion, Wait);

    [Fact]
    public async Task Sessions_spread_over_three_nodes_and_those_of_an_aborted_node_recover_on_the_others()
    {
        await AllUp();

        var a = nodes[0];
        var workdir = Directory.CreateDirectory(temp.Combine("work")).FullName;
        var ids = Enumerable.Range(1, SessionCount).Select(i => $"spread-{i}").ToList();
        foreach (var id in ids)
        {
            Accepted(await Launch(a, id, Spec(workdir)));
        }

        // Every session has had its turn and waits for input, its claude process alive on the node that runs it.
        var before = new Dictionary<string, SessionState>();
        foreach (var id in ids)
        {
            before[id] = await Eventually(async () =>
            {
                var state = await Read(Region(a), id);
                Assert.Equal(SessionStatus.WaitingForInput, state.Status);
                return state;
            });
        }

        // Sharding remembers each live session in the SQL journal: an EntitiesStarted event (manifest CE, the ids in
        // its protobuf payload) of the session's shard.
        foreach (var id in ids)
        {
            var remembered = await postgres.QueryAsync(database,
                "SELECT count(*) FROM journal WHERE persistence_id LIKE '/sharding/sessionShard/%' AND manifest = 'CE' " +
                $"AND position(convert_to('{id}', 'UTF8') in message) > 0");
            Assert.True(int.Parse(remembered.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{id} is not remembered in the journal");
        }

        var runners = before.Values.GroupBy(s => s.NodeId).ToDictionary(g => g.Key!, g => g.Select(s => s.Id).ToList());
        Assert.True(runners.Count >= 2, $"the sessions ran on {string.Join(", ", runners.Keys)} only");
        var victim = nodes.Skip(1).First(n => runners.ContainsKey(n.Settings.NodeId));
        var lost = runners[victim.Settings.NodeId];
        var kept = ids.Except(lost).ToList();

        // One more session whose entity lives on the victim and whose agent runs on node-a: when the victim goes, the
        // entity moves (remembered, it starts on a survivor) and its process stays where it is.
        var moved = await IdWithEntityOn(victim);
        Accepted(await Launch(a, moved, Spec(workdir, node: "node-a")));
        var movedBefore = await Eventually(async () =>
        {
            var state = await Read(Region(a), moved);
            Assert.Equal(SessionStatus.WaitingForInput, state.Status);
            return state;
        });
        Assert.Equal(a.Settings.NodeId, movedBefore.NodeId);
        Assert.Contains(await ShardsOn(victim), shard => shard.EntityIds.Contains(moved));

        await victim.System.Terminate();

        // Downed by the split brain resolver (no one downs it by hand), then removed: the survivors mark its sessions.
        var survivor = nodes.First(n => n != victim && n != a);
        foreach (var id in lost)
        {
            var state = await Eventually(async () =>
            {
                var s = await Read(Region(survivor), id);
                Assert.Equal(SessionStatus.Failed, s.Status);
                return s;
            });
            Assert.Equal(ErrorKind.NodeLost, state.Error?.Kind);
            Assert.Equal(before[id].TurnsCompleted, state.TurnsCompleted);
            Assert.Equal(before[id].CostUsd, state.CostUsd);
            Assert.Equal([Session.AutoResumeIdOf(id)], state.ResumedAs);
        }

        // Each is resumed on a node that is still there, continuing the agent's conversation.
        foreach (var id in lost)
        {
            var resumed = await Eventually(async () =>
            {
                var s = await Read(Region(a), Session.AutoResumeIdOf(id));
                Assert.Equal(SessionStatus.WaitingForInput, s.Status);
                return s;
            });
            Assert.Equal(new ResumeLink(id, before[id].AgentSessionId!), resumed.Launch.ResumedFrom);
            Assert.NotEqual(victim.Settings.NodeId, resumed.NodeId);
            Assert.True(resumed.Launch.AutoResume);
            Assert.Empty((await Read(Region(survivor), id)).UnlaunchedResumes);
        }

        // No agent outlives the node that started it.
        foreach (var id in lost)
        {
            var pid = before[id].Pid!.Value;
            await Eventually(() => Assert.False(Directory.Exists($"/proc/{pid}"), $"claude {pid} of {id} outlived its node"));
        }

        Assert.All(nodes.Where(n => n != victim), n => Assert.DoesNotContain(n.Cluster.State.Members, m => m.Address == victim.Address));

        // The other sessions were untouched and still answer: a respond runs a second turn on the node that runs it.
        foreach (var id in kept)
        {
            Assert.Equal(SessionStatus.WaitingForInput, (await Read(Region(survivor), id)).Status);
        }

        var responded = kept[0];
        await RespondAndAwaitTurn(survivor, a, responded, before[responded].TurnsCompleted);

        // The moved entity is on a survivor now, its agent the same process on node-a, and a respond still reaches it.
        Assert.True(Directory.Exists($"/proc/{movedBefore.Pid}"), $"claude {movedBefore.Pid} of {moved} did not survive its entity's move");
        Assert.Contains((await ShardsOn(survivor)).Concat(await ShardsOn(a)), shard => shard.EntityIds.Contains(moved));
        var afterMove = await RespondAndAwaitTurn(survivor, a, moved, movedBefore.TurnsCompleted);
        Assert.Equal((a.Settings.NodeId, movedBefore.Pid), (afterMove.NodeId, afterMove.Pid));
    }

    private async Task<SessionState> RespondAndAwaitTurn(ClusterNode via, ClusterNode reader, string id, int turnsBefore)
    {
        var accepted = await Region(via).Ask<SessionReply>(
            new SessionCommandEnvelope(id, new Respond("Once more.", Auto: false, DateTimeOffset.UtcNow)), Wait);
        Assert.IsType<SessionAccepted>(accepted);
        return await Eventually(async () =>
        {
            var state = await Read(Region(reader), id);
            Assert.Equal((SessionStatus.WaitingForInput, turnsBefore + 1), (state.Status, state.TurnsCompleted));
            return state;
        });
    }

    private async Task<IReadOnlyCollection<Akka.Cluster.Sharding.ShardState>> ShardsOn(ClusterNode node) =>
        (await Region(node).Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(Akka.Cluster.Sharding.GetShardRegionState.Instance, Wait)).Shards;

    /// <summary>A new session id whose shard the node hosts now (it hosts some: sharding gives new shards to the region with fewest).</summary>
    private async Task<string> IdWithEntityOn(ClusterNode node)
    {
        var hosted = (await ShardsOn(node)).Select(s => s.ShardId).ToHashSet();
        Assert.NotEmpty(hosted);
        var extractor = new SessionMessageExtractor();
        return Enumerable.Range(1, 10_000).Select(i => $"moved-{i}").First(id => hosted.Contains(extractor.ShardId(id, new GetSession(id))));
    }

    [Fact]
    public async Task A_node_asked_to_leave_takes_no_new_session_and_leaves_once_its_running_one_has_finished()
    {
        await AllUp();
        var (a, b) = (nodes[0], nodes[1]);
        var workdir = Directory.CreateDirectory(temp.Combine("work")).FullName;
        // One turn of 12 chunks, a quarter second apart: the session runs on node-b for about three seconds.
        model.Enqueue(ModelReply.SlowText([.. Enumerable.Range(1, 12).Select(i => $"part {i} ")], TimeSpan.FromMilliseconds(250)));
        Accepted(await Launch(a, "drained", Spec(workdir, multiTurn: false, node: "node-b")));
        await Eventually(async () => Assert.Equal(SessionStatus.Running, (await Read(Region(a), "drained")).Status));

        var leaving = await a.System.ActorSelection(GracefulLeave.PathOf(b.Address)).Ask<LeavingGracefully>(LeaveGracefully.Instance, Wait);

        Assert.Equal(["drained"], leaving.LiveSessionIds);
        // Draining: a launch pinned to it is refused, any other goes elsewhere.
        var refused = Assert.IsType<SessionRejected>(await Launch(a, "pinned", Spec(workdir, node: "node-b")));
        Assert.Equal(RejectionCode.Unavailable, refused.Rejection.Code);
        Assert.Contains("node-b is leaving the cluster", refused.Rejection.Reason);
        Accepted(await Launch(a, "elsewhere", Spec(workdir)));
        var elsewhere = await Eventually(async () =>
        {
            var s = await Read(Region(a), "elsewhere");
            Assert.Equal(SessionStatus.WaitingForInput, s.Status);
            return s;
        });
        Assert.NotEqual(b.Settings.NodeId, elsewhere.NodeId);

        // The running session finishes its turn on node-b (not interrupted), then node-b leaves and is removed.
        var drained = await Eventually(async () =>
        {
            var s = await Read(Region(a), "drained");
            Assert.Equal(SessionStatus.Completed, s.Status);
            return s;
        });
        Assert.Equal((b.Settings.NodeId, 1), (drained.NodeId, drained.TurnsCompleted));
        await Eventually(() => Assert.DoesNotContain(a.Cluster.State.Members, m => m.Address == b.Address));
        await b.System.WhenTerminated.WaitAsync(Wait);
        Assert.Equal(SessionStatus.WaitingForInput, (await Read(Region(a), "elsewhere")).Status);
    }
}
