using Akka.Configuration;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;

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
    /// <summary>This node's stable id (recorded with every agent process it starts).</summary>
    public string NodeId { get; init; } = NodeName;

    public string JournalConnectionString => $"Data Source={SqliteFile};Default Timeout=30;Pooling=True";
}
