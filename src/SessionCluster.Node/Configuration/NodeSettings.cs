using Akka.Configuration;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
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
    int Shards,
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
    /// <summary>sessioncluster.sessions.env: which variables a session may set.</summary>
    public EnvPolicy EnvPolicy { get; init; } = EnvPolicy.Default;

    /// <summary>sessioncluster.http: body size and slow-client limits.</summary>
    public HttpLimits HttpLimits { get; init; } = HttpLimits.Default;

    public string JournalConnectionString => $"Data Source={SqliteFile};Default Timeout=30;Pooling=True";
}
