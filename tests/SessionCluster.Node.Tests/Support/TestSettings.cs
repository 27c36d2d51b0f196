using Akka.Configuration;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Tests.Support;

/// <summary>Node settings built by hand, without reading files or the environment.</summary>
internal static class TestSettings
{
    public static NodeSettings Create(string nodeName = "node-a", int maxPromptBytes = 262144, string dataDir = "/tmp/sessioncluster-unused") => new(
        Hocon: Config.Empty,
        NodeName: nodeName,
        DataDir: dataDir,
        Urls: "http://127.0.0.1:5480",
        ConfiguredApiToken: null,
        AskTimeout: TimeSpan.FromSeconds(10),
        AkkaHostname: "127.0.0.1",
        AkkaPort: 4053,
        SeedNodes: [],
        SqliteFile: Path.Combine(dataDir, "sessions.db"),
        QueryRefreshInterval: TimeSpan.FromMilliseconds(200),
        Sessions: SessionEntitySettings.Default,
        MaxPromptBytes: maxPromptBytes,
        DefaultMaxAutoResponds: 10,
        InterruptGrace: TimeSpan.FromSeconds(5),
        FailFastOnAuthError: true,
        MaxLineBytes: 8388608,
        Claude: new ClaudeDriverOptions());
}
