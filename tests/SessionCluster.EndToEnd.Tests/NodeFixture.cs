using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A scripted model server and a real node whose claude sessions talk to it.</summary>
public class NodeFixture : IAsyncLifetime
{
    private readonly TempDirectory temp = new("sessioncluster-e2e");

    public ScriptedModelServer Model { get; private set; } = null!;

    public NodeProcess Node { get; private set; } = null!;

    public Sessionctl Ctl { get; private set; } = null!;

    /// <summary>A working directory that exists on the node.</summary>
    public string Workdir { get; private set; } = null!;

    public string Temp => temp.Path;

    public virtual async Task InitializeAsync()
    {
        Model = await ScriptedModelServer.StartAsync();
        Workdir = temp.CreateDirectory("work");
        Node = await StartNodeAsync(temp, Model.BaseUrl);
        Ctl = new Sessionctl(Node);
    }

    public virtual async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Model.DisposeAsync();
        temp.Dispose();
    }

    /// <summary>A node with its own data dir under <paramref name="temp"/>; claude runs Bash without asking.</summary>
    public static Task<NodeProcess> StartNodeAsync(TempDirectory temp, string modelBaseUrl, string extraHocon = "")
    {
        var config = temp.Combine("test.hocon");
        File.WriteAllText(config, $$"""
            sessioncluster.agents {
              interrupt-grace = 2s
              claude.extra-args = ["--allowedTools", "Bash"]
            }
            {{extraHocon}}
            """);
        var environment = new Dictionary<string, string>(
            AgentTestEnvironment.Claude(modelBaseUrl, temp.CreateDirectory("home"), maxRetries: 2))
        {
            ["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = AgentBinaries.Claude,
        };
        return NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
    }
}
