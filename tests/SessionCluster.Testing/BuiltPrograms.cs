using System.Reflection;

namespace SessionCluster.Testing;

/// <summary>Where the node and sessionctl were built, so tests run them as real processes.</summary>
public static class BuiltPrograms
{
    private static readonly string Configuration = typeof(BuiltPrograms).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BuildConfiguration").Value!;

    /// <summary>
    /// The node's dll: the build output, or SESSIONCLUSTER_NODE_DLL when set (a published node: the failover benchmark
    /// times formation on the ReadyToRun build the image ships).
    /// </summary>
    public static string NodeDll => Environment.GetEnvironmentVariable(NodeDllVariable) is { Length: > 0 } published
        ? File.Exists(published) ? published : throw new FileNotFoundException($"{NodeDllVariable} names {published}, which does not exist")
        : Output("SessionCluster.Node", "SessionCluster.Node.dll");

    public const string NodeDllVariable = "SESSIONCLUSTER_NODE_DLL";

    public static string SessionctlDll => Output("SessionCluster.Cli", "sessionctl.dll");

    private static string Output(string project, string dll)
    {
        var path = Path.Combine(AgentBinaries.RepoRoot, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built at {path}; build the solution first");
    }
}
