using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A scripted model server and a real node whose claude and codex sessions talk to it.</summary>
public class NodeFixture : IAsyncLifetime
{
    private readonly TempDirectory temp = new("sessioncluster-e2e");

    public ScriptedModelServer Model { get; private set; } = null!;

    public NodeProcess Node { get; private set; } = null!;

    public Sessionctl Ctl { get; private set; } = null!;

    /// <summary>A working directory that exists on the node.</summary>
    public string Workdir { get; private set; } = null!;

    public string Temp => temp.Path;

    /// <summary>Node configuration the fixture's node starts with, on top of the test defaults.</summary>
    protected virtual string ExtraHocon => "";

    /// <summary>Where the node's agents send their model requests; the scripted server unless a fixture says otherwise.</summary>
    protected virtual string ModelBaseUrl(ScriptedModelServer model) => model.BaseUrl;

    public virtual async Task InitializeAsync()
    {
        Model = await ScriptedModelServer.StartAsync();
        Workdir = temp.CreateDirectory("work");
        Node = await StartNodeAsync(temp, ModelBaseUrl(Model), ExtraHocon);
        Ctl = new Sessionctl(Node);
    }

    public virtual async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Model.DisposeAsync();
        temp.Dispose();
    }

    /// <summary>A new working directory on the node, so a test's files are its own.</summary>
    public string NewWorkdir() => temp.CreateDirectory("work-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// A node with its own data dir under <paramref name="temp"/> that runs both agents against
    /// <paramref name="modelBaseUrl"/>: claude through ANTHROPIC_BASE_URL, codex through a provider in the seed
    /// CODEX_HOME every codex session's home is copied from. Both give up on a failing model API within seconds.
    /// </summary>
    public static Task<NodeProcess> StartNodeAsync(TempDirectory temp, string modelBaseUrl, string extraHocon = "")
    {
        var home = temp.CreateDirectory("home");
        var environment = new Dictionary<string, string>(AgentTestEnvironment.Claude(modelBaseUrl, home, maxRetries: 2));
        foreach (var (name, value) in CodexTestEnvironment.Create($"{modelBaseUrl}/v1", home, maxRetries: 0))
        {
            environment[name] = value;
        }

        environment["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = AgentBinaries.Claude;
        environment["SESSIONCLUSTER_CODEX_EXECUTABLE"] = AgentBinaries.Codex;
        var config = temp.Combine("test.hocon");
        File.WriteAllText(config, $$"""
            sessioncluster.agents {
              interrupt-grace = 2s
              codex.seed-home = "{{environment["CODEX_HOME"]}}"
            }
            {{extraHocon}}
            """);
        return NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
    }
}
