namespace SessionCluster.Node.Tests.Support;

/// <summary>
/// Tests that read or write process-wide environment variables (every <c>NodeConfig.Load</c> does).
/// They run alone, one after another, never beside another test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>
/// Clears every variable the node reads, lets a test set some, and restores all of them on dispose.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    public static readonly string[] NodeVariables =
    [
        "SESSIONCLUSTER_DATA_DIR",
        "SESSIONCLUSTER_NODE_NAME",
        "SESSIONCLUSTER_API_TOKEN",
        "SESSIONCLUSTER_CLAUDE_EXECUTABLE",
        "ASPNETCORE_URLS",
        "SESSIONCLUSTER_PERSISTENCE_PROVIDER",
        "SESSIONCLUSTER_POSTGRES_CONNECTION_STRING",
    ];

    private readonly Dictionary<string, string?> saved = new(StringComparer.Ordinal);

    public EnvironmentScope()
    {
        foreach (var name in NodeVariables)
        {
            Set(name, null);
        }
    }

    public void Set(string name, string? value)
    {
        saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
