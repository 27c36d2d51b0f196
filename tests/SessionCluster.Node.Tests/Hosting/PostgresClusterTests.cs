using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Node.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Three actor systems in this process, one cluster on loopback (TLS between them), one real PostgreSQL for all:
/// sessions running the real claude spread over the nodes; one node aborted (no leave) is downed by the split brain
/// resolver with the node's own settings, and its sessions recover on the others: served from the journal by a
/// surviving node, live ones read node-lost and, launched with auto-resume (all share one HOME, so the agent's transcript
/// is there), are resumed on a surviving node and linked; the others' agents carry on.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private const int SessionCount = 9;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDir temp = new();
    private readonly List<ClusterNode> nodes = [];
    private PostgresServer postgres = null!;
    private ScriptedModelServer model = null!;

    public async Task InitializeAsync()
    {
        postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("cluster");
        model = await ScriptedModelServer.StartAsync();
        var certificate = temp.Combine("shared.pfx");
        TestCertificates.WritePfx(certificate, TlsClusterFixture.SharedPassword, "CN=test postgres cluster");
        using var environment = new EnvironmentScope();
        environment.Set("SESSIONCLUSTER_TLS_PASSWORD", null);
        environment.Set("SESSIONCLUSTER_CLAUDE_EXECUTABLE", AgentBinaries.Claude);
        foreach (var name in new[] { "node-a", "node-b", "node-c" })
        {
            var seed = nodes.Count == 0 ? null : nodes[0].Address;
            nodes.Add(await ClusterNode.Start(temp.Combine(name), Hocon(name, certificate, postgres.ConnectionString(database), seed)));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(nodes))
        {
            await node.DisposeAsync();
        }

        await model.DisposeAsync();
        await postgres.DisposeAsync();
        temp.Dispose();
    }

    private static string Hocon(string name, string certificate, string connectionString, Address? seed) => $$"""
        sessioncluster {
          node-name = "{{name}}"
          persistence {
            provider = postgres
            postgres.connection-string = "{{connectionString}}"
          }
          cluster {
            seed-nodes = [{{(seed is null ? string.Empty : $"\"{seed}\"")}}]
            tls {
              certificate = "{{certificate}}"
              password = "{{TlsClusterFixture.SharedPassword}}"
            }
          }
        }
        # An aborted node vanishes: no leave on the way out.
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """;

    private IActorRef Region(ClusterNode node) => node.Services.GetRequiredService<IRequiredActor<SessionRegion>>().ActorRef;

    private LaunchSpec Spec(string workdir) => new(
        "claude", "Say done.", workdir, null, MultiTurn: true, MaxAutoResponds: 0,
        AgentTestEnvironment.Claude(model.BaseUrl, temp.Combine("home")).ToImmutableSortedDictionary(StringComparer.Ordinal),
        AutoResume: true);

    private static async Task<SessionState> Read(IActorRef region, string id)
    {
        var reply = await region.Ask<SessionReply>(new GetSession(id), TimeSpan.FromSeconds(10));
        return Assert.IsType<SessionAccepted>(reply).State;
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static Task Eventually(Action assertion) => Eventually(() =>
    {
        assertion();
        return Task.FromResult(true);
    });

    [Fact]
    public async Task Sessions_spread_over_three_nodes_and_those_of_an_aborted_node_recover_on_the_others()
    {
        await Eventually(() => Assert.All(nodes, n => Assert.Equal(3, n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up))));

        var a = nodes[0];
        var workdir = Directory.CreateDirectory(temp.Combine("work")).FullName;
        var ids = Enumerable.Range(1, SessionCount).Select(i => $"spread-{i}").ToList();
        foreach (var id in ids)
        {
            var reply = await Region(a).Ask<SessionReply>(
                new SessionCommandEnvelope(id, new LaunchSession(id, id, Spec(workdir), DateTimeOffset.UtcNow)), Wait);
            Assert.IsType<SessionAccepted>(reply);
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

        var runners = before.Values.GroupBy(s => s.NodeId).ToDictionary(g => g.Key!, g => g.Select(s => s.Id).ToList());
        Assert.True(runners.Count >= 2, $"the sessions ran on {string.Join(", ", runners.Keys)} only");
        var victim = nodes.Skip(1).First(n => runners.ContainsKey(n.Settings.NodeId));
        var lost = runners[victim.Settings.NodeId];
        var kept = ids.Except(lost).ToList();

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
        var accepted = await Region(survivor).Ask<SessionReply>(
            new SessionCommandEnvelope(responded, new Respond("Once more.", Auto: false, DateTimeOffset.UtcNow)), Wait);
        Assert.IsType<SessionAccepted>(accepted);
        await Eventually(async () =>
        {
            var state = await Read(Region(a), responded);
            Assert.Equal((SessionStatus.WaitingForInput, before[responded].TurnsCompleted + 1), (state.Status, state.TurnsCompleted));
            return state;
        });
    }
}
