using System.Reflection;

namespace SessionCluster.Testing;

/// <summary>Where the node and sessionctl were built, so tests run them as real processes.</summary>
public static class BuiltPrograms
{
    private static readonly string Configuration = typeof(BuiltPrograms).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BuildConfiguration").Value!;

    public static string NodeDll => Output("SessionCluster.Node", "SessionCluster.Node.dll");

    public static string SessionctlDll => Output("SessionCluster.Cli", "sessionctl.dll");

    private static string Output(string project, string dll)
    {
        var path = Path.Combine(AgentBinaries.RepoRoot, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built at {path}; build the solution first");
    }
}
