using System.Collections.Immutable;
using SessionCluster.Domain;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>What a test needs to run the real claude: its own home, a working directory, the binary, a listener.</summary>
public sealed class ClaudeRig : IDisposable
{
    public TempDirectory Home { get; } = new("claude-home");

    public TempDirectory Workdir { get; } = new("claude-work");

    public RecordingListener Listener { get; } = new();

    public static ClaudeDriver Driver(params string[] extraArguments) =>
        new(new ClaudeDriverOptions(AgentBinaries.Claude, extraArguments));

    public IReadOnlyDictionary<string, string> Env(string baseUrl, string apiKey = AgentTestEnvironment.TestApiKey, int? maxRetries = null) =>
        AgentTestEnvironment.Claude(baseUrl, Home.Path, apiKey, maxRetries);

    public AgentLaunchRequest Request(
        string prompt,
        IReadOnlyDictionary<string, string> env,
        bool multiTurn = false,
        string? resume = null,
        PermissionMode mode = PermissionMode.Ask) =>
        new($"test-{Guid.NewGuid():N}", new LaunchSpec(
            "claude", prompt, Workdir.Path, null, multiTurn, 0, env.ToImmutableSortedDictionary(), mode,
            ResumedFrom: resume is null ? null : new ResumeLink("earlier", resume)));

    public void Dispose()
    {
        Home.Dispose();
        Workdir.Dispose();
    }
}
