using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// What the failover tests share: one PostgreSQL server (each test's cluster gets a database of its own), the scripted
/// model server every node's agents talk to, and the webhook receiver behind the nodes' <c>hook</c> channel.
/// </summary>
public sealed class FailoverFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public ScriptedModelServer Model { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>
    /// Every node's notifications: the <c>hook</c> webhook a session names with <c>--channel hook</c>, and a file as
    /// default and system channel. Waiting-for-input is held 1 s, retries are quick.
    /// </summary>
    public string NotificationHocon => $$"""
        sessioncluster.notifications {
          system-channel = audit
          default-channel = audit
          debounce-waiting = 1s
          retry { attempts = 2, min-backoff = 100ms, max-backoff = 500ms }
          channels {
            hook  { type = webhook, url = "{{Receiver.Url}}", timeout = 2s }
            audit { type = file, path = "notifications.jsonl" }
          }
        }
        """;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        Model = await ScriptedModelServer.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Model.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    /// <summary>A cluster of three node processes on a new database, with the notification channels above.</summary>
    public Task<NodeCluster> StartClusterAsync() => NodeCluster.StartAsync(Postgres, Model, NotificationHocon);
}
