using Akka.Configuration;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Node.Hosting;

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
    /// <summary>Remoting's certificate (sessioncluster.cluster.tls): an init property, so the positional list stays as it is.</summary>
    public ClusterTlsSettings ClusterTls { get; init; } = ClusterTlsSettings.Generated;

    public string JournalConnectionString => $"Data Source={SqliteFile};Default Timeout=30;Pooling=True";
}
