using System.Collections.Immutable;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.RealCodex;

/// <summary>
/// What a test needs to run the real codex through <see cref="CodexDriver"/>: a seed CODEX_HOME whose config.toml names
/// the scripted Responses server, a root for the per-session homes, a working directory, a listener.
/// </summary>
public sealed class CodexRig : IDisposable
{
    private readonly TempDirectory root = new("codex-rig");

    public CodexRig(string responsesBaseUrl, int? maxRetries = null, string apiKey = AgentTestEnvironment.TestApiKey)
    {
        var env = CodexTestEnvironment.Create(responsesBaseUrl, Path.Combine(root.Path, "node"), apiKey, maxRetries);
        SeedHome = env["CODEX_HOME"];

        // The driver chooses CODEX_HOME: the session's own.
        Env = env.Where(e => e.Key != CodexDriver.HomeVariable).ToImmutableSortedDictionary();
        HomesRoot = Directory.CreateDirectory(Path.Combine(root.Path, "codex-homes")).FullName;
        Workdir = Directory.CreateDirectory(Path.Combine(root.Path, "work")).FullName;
        Driver = new CodexDriver(new CodexDriverOptions(AgentBinaries.Codex, HomesRoot, SeedHome));
    }

    public string SeedHome { get; }

    public string HomesRoot { get; }

    public string Workdir { get; }

    public ImmutableSortedDictionary<string, string> Env { get; }

    public CodexDriver Driver { get; }

    public RecordingListener Listener { get; } = new();

    public static AgentRunOptions Options { get; } = AgentRunOptions.Default with { InterruptGrace = TimeSpan.FromSeconds(5) };

    public AgentLaunchRequest Request(
        string prompt,
        PermissionMode mode = PermissionMode.Ask,
        bool multiTurn = false,
        ResumeLink? resume = null,
        string? sessionId = null) =>
        new(sessionId ?? $"codex-{Guid.NewGuid():N}", new LaunchSpec(
            "codex", prompt, Workdir, CodexTestEnvironment.Model, multiTurn, 0, Env, mode, resume));

    public AgentRun Start(AgentLaunchRequest request, RecordingListener? listener = null) =>
        AgentRun.Start(Driver, request, Options, listener ?? Listener);

    public string InWorkdir(string name) => Path.Combine(Workdir, name);

    public void Dispose() => root.Dispose();
}
