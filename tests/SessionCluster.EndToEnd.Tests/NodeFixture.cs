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

    /// <summary>A node with its own data dir under <paramref name="temp"/> that runs both agents (see <see cref="TestNode"/>).</summary>
    public static Task<NodeProcess> StartNodeAsync(TempDirectory temp, string modelBaseUrl, string extraHocon = "") =>
        TestNode.StartAsync(temp, modelBaseUrl, extraHocon);
}
