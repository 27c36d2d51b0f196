using Akka.Configuration;
using SessionCluster.Actors.Serialization;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Configuration;

/// <summary>The node's settings, read once from the layered HOCON and the command line.</summary>
public sealed record NodeSettings(
    Config Hocon,
    string NodeName,
    string DataDir,
    string Urls,
    string? ConfiguredApiToken,
    TimeSpan AskTimeout,
    string AkkaHostname,
    int AkkaPort,
    IReadOnlyList<string> SeedNodes,
    string SqliteFile,
    TimeSpan QueryRefreshInterval,
    SessionEntitySettings Sessions,
    int MaxPromptBytes,
    int DefaultMaxAutoResponds,
    TimeSpan InterruptGrace,
    bool FailFastOnAuthError,
    int MaxLineBytes,
    ClaudeDriverOptions Claude)
{
    /// <summary>Remoting's certificate (sessioncluster.cluster.tls): an init property, so the positional list stays as it is.</summary>
    public ClusterTlsSettings ClusterTls { get; init; } = ClusterTlsSettings.Generated;
    /// <summary>sessioncluster.agents.codex: the program, the seed CODEX_HOME, and where session homes go (&lt;data-dir&gt;/codex-homes).</summary>
    public CodexDriverOptions Codex { get; init; } = new();

    /// <summary>sessioncluster.sessions.env: which variables a session may set.</summary>
    public EnvPolicy EnvPolicy { get; init; } = EnvPolicy.Default;

    /// <summary>sessioncluster.agents.&lt;agent&gt;.permission-mode, per agent that sets one (checked at load).</summary>
    public IReadOnlyDictionary<string, Domain.PermissionMode> PermissionModes { get; init; } = new Dictionary<string, Domain.PermissionMode>();

    /// <summary>The mode a launch of <paramref name="agent"/> that names none runs in: the node's, else ask.</summary>
    public Domain.PermissionMode DefaultPermissionMode(string agent) =>
        PermissionModes.TryGetValue(agent, out var mode) ? mode : Domain.PermissionMode.Ask;

    /// <summary>sessioncluster.event-log: how many events a session keeps, and how they are written.</summary>
    public Actors.EventLog.EventLogSettings EventLog { get; init; } = Actors.EventLog.EventLogSettings.Default;

    /// <summary>sessioncluster.retention: which finished sessions are removed, and how often.</summary>
    public Actors.Retention.RetentionSettings Retention { get; init; } = Actors.Retention.RetentionSettings.Default;

    /// <summary>sessioncluster.persistence: SQLite (one node) or PostgreSQL (several).</summary>
    public PersistenceSettings Persistence { get; init; } = PersistenceSettings.Sqlite;

    /// <summary>sessioncluster.discovery: seed nodes (none) or cluster bootstrap over the Kubernetes API.</summary>
    public DiscoverySettings Discovery { get; init; } = DiscoverySettings.None;

    /// <summary>sessioncluster.notifications: the channels, the system and default channel, debounce and retries.</summary>
    public Actors.Notifications.NotificationSettings Notifications { get; init; } = Actors.Notifications.NotificationSettings.Default;

    /// <summary>sessioncluster.http: body size and slow-client limits.</summary>
    public HttpLimits HttpLimits { get; init; } = HttpLimits.Default;

    /// <summary>The most live sessions this node's agent host runs (sessioncluster.agents.max-live-sessions); placement sends no more.</summary>
    public int MaxLiveSessions { get; init; } = Actors.AgentHosting.AgentHostSettings.DefaultMaxLiveSessions;

    /// <summary>How long `cluster leave` waits for this node's live sessions to finish before it interrupts them and leaves (sessioncluster.cluster.drain-timeout).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Names only: the record's own ToString would print the configured API token.</summary>
    public override string ToString() => $"NodeSettings {{ NodeName = {NodeName}, NodeId = {NodeId}, DataDir = {DataDir}, Urls = {Urls} }}";

    public string JournalConnectionString => $"Data Source={SqliteFile};Default Timeout=30;Pooling=True";

    // Data at rest. Properties rather than positional parameters: NodeId and EnvCipher come from the data
    // directory, after NodeConfig.Load, once it is checked and locked (Program.cs).

    /// <summary><c>sessioncluster.secrets.key</c> / <c>SESSIONCLUSTER_SECRETS_KEY</c>: a base64 key several nodes share.</summary>
    public string? ConfiguredSecretsKey { get; init; }

    /// <summary>The key file: <c>sessioncluster.secrets.key-file</c>, else <c>&lt;data-dir&gt;/secrets.key</c>.</summary>
    public string SecretsKeyFile { get; init; } = string.Empty;

    /// <summary>Whether <see cref="SecretsKeyFile"/> is the default one, generated when missing (a configured one never is).</summary>
    public bool GenerateSecretsKeyFile { get; init; }

    /// <summary>This node's stable id, generated once into <c>&lt;data-dir&gt;/node-id</c>: unlike the name, it never changes.</summary>
    public string NodeId { get; init; } = string.Empty;

    /// <summary>Seals session env values in the journal and snapshots (see <see cref="Hosting.SecretsKey"/>).</summary>
    public EnvCipher? EnvCipher { get; init; }
}
