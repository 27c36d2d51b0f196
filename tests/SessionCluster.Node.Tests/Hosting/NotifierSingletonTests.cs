using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using SessionCluster.Node.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// Two nodes with the node's own wiring on one real PostgreSQL, notifying a real webhook receiver: the cluster has one
/// notifier (a singleton on the oldest node), so a notification raised on either node is delivered once, and after
/// the notifier's node leaves the other node's notifier resumes from the settled offset and repeats nothing.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NotifierSingletonTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDir temp = new();
    private InProcessCluster? running;
    private List<ClusterNode> nodes = [];
    private PostgresServer postgres = null!;
    private WebhookReceiver receiver = null!;
    private string database = "";

    private ClusterNode A => nodes[0];

    private ClusterNode B => nodes[1];

    private string ConnectionString => postgres.ConnectionString(database);

    public async Task InitializeAsync()
    {
        postgres = await PostgresServer.StartAsync();
        database = await postgres.CreateDatabaseAsync();
        receiver = await WebhookReceiver.StartAsync();
        running = await InProcessCluster.StartAsync(temp.Path, ["node-a", "node-b"], $$"""
            persistence {
              provider = postgres
              postgres.connection-string = "{{ConnectionString}}"
            }
            # One notification per session, raised when it is launched; no agent runs (there is none to run).
            agents.claude.executable = "{{temp.Combine("no-such-claude")}}"
            notifications {
              default-channel = ops
              kinds = [launched]
              channels {
                ops { type = webhook, url = "{{receiver.Url}}", timeout = 5s }
              }
            }
            """);
        nodes = [.. running.Nodes];
        await running.AllUpAsync(Wait);
    }

    public async Task DisposeAsync()
    {
        if (running is not null)
        {
            await running.DisposeAsync();
        }

        await receiver.DisposeAsync();
        await postgres.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task Two_nodes_on_one_database_run_one_notifier_and_deliver_each_notification_once()
    {
        // The singleton runs on the oldest node only; the other node has its manager and proxy, no notifier.
        var hosts = await Task.WhenAll(nodes.Select(HostsNotifier));
        Assert.Equal(new[] { true, false }, hosts);

        // Sessions on both nodes' shards, launched through either node's region.
        var sessions = Enumerable.Range(0, 6).Select(i => $"once-{i}").ToList();
        foreach (var (id, i) in sessions.Select((id, i) => (id, i)))
        {
            await Launch(nodes[i % 2], id);
        }

        await AllSettled(sessions);

        Assert.All(sessions, id => Assert.Single(DeliveriesOf(id)));
        // Both nodes' HTTP routes see the same notifier: its counts, and the one stored record.
        foreach (var node in nodes)
        {
            var health = await Notifier(node).Ask<ChannelHealthReport>(GetChannelHealth.Instance, Wait);
            Assert.Equal(sessions.Count, Assert.Single(health.Channels, c => c.Name == "ops").Delivered);
            var list = await Notifier(node).Ask<NotificationList>(new ListNotifications(sessions[0], 10), Wait);
            Assert.Equal(DeliveryState.Delivered, Assert.Single(list.Notifications).State);
        }
    }

    [Fact]
    public async Task After_the_notifier_s_node_leaves_the_other_node_s_notifier_resumes_from_the_settled_offset()
    {
        var before = new[] { "before-0", "before-1", "before-2" };
        foreach (var (id, i) in before.Select((id, i) => (id, i)))
        {
            await Launch(nodes[i % 2], id);
        }

        await AllSettled(before);

        // A leaves (CoordinatedShutdown: the singleton hands over); B's notifier starts from the stored offset.
        var (a, b) = (A, B);
        nodes.Remove(a);
        await a.DisposeAsync();
        await Eventually(async () => Assert.True(await HostsNotifier(b)));

        await Launch(b, "after-0");
        await AllSettled([.. before, "after-0"]);

        Assert.All([.. before, "after-0"], id => Assert.Single(DeliveriesOf(id)));
        var health = await Notifier(b).Ask<ChannelHealthReport>(GetChannelHealth.Instance, Wait);
        Assert.Equal(1, Assert.Single(health.Channels, c => c.Name == "ops").Delivered);
    }

    private static IActorRef Notifier(ClusterNode node) =>
        node.Services.GetRequiredService<IRequiredActor<NotificationDispatcher>>().ActorRef;

    private static async Task<bool> HostsNotifier(ClusterNode node)
    {
        var identity = await node.System.ActorSelection($"/user/{NotificationDispatcher.Name}/{NotificationDispatcher.Name}")
            .Ask<ActorIdentity>(new Identify(node.Settings.NodeName), Wait);
        return identity.Subject is not null;
    }

    private async Task Launch(ClusterNode node, string id)
    {
        var region = node.Services.GetRequiredService<IRequiredActor<SessionRegion>>().ActorRef;
        var spec = new LaunchSpec("claude", "hello", temp.Path, null, false, 0, ImmutableSortedDictionary<string, string>.Empty);
        var reply = await region.Ask<SessionReply>(
            new SessionCommandEnvelope(id, new LaunchSession(id, id, spec, DateTimeOffset.UtcNow)), Wait);
        Assert.IsType<SessionAccepted>(reply);
    }

    private IReadOnlyList<ReceivedRequest> DeliveriesOf(string sessionId) =>
        receiver.Received.Where(r => r.Json().GetProperty("sessionId").GetString() == sessionId).ToList();

    /// <summary>
    /// Each session's notification delivered, the journal read past every notification event (the store's settled
    /// offset covers the newest), and nothing pending: a second notifier, or a repeat, would have delivered by now.
    /// </summary>
    private async Task AllSettled(IReadOnlyCollection<string> sessions)
    {
        var store = new PostgresNotificationStore(ConnectionString);
        await Eventually(async () =>
        {
            Assert.All(sessions, id => Assert.NotEmpty(DeliveriesOf(id)));
            var newest = long.Parse(await postgres.QueryAsync(database, "SELECT COALESCE(MAX(ordering_id), 0) FROM tags WHERE tag = 'notification';"));
            Assert.True(store.LoadOffset() >= newest, $"settled offset {store.LoadOffset()} short of {newest}");
            foreach (var node in nodes)
            {
                var health = await Notifier(node).Ask<ChannelHealthReport>(GetChannelHealth.Instance, Wait);
                Assert.Equal(0, Assert.Single(health.Channels, c => c.Name == "ops").Pending);
            }
        });
    }

    private static Task Eventually(Func<Task> assertion) => Testing.Eventually.HoldsAsync(assertion, Wait);
}
