namespace SessionCluster.Contracts;

/// <summary>
/// Where a node keeps its state and its API token file. The node and sessionctl share
/// this default, so sessionctl on the same machine finds the token without being told.
/// </summary>
public static class NodeDataDir
{
    /// <summary>Overrides <see cref="Default"/> for the node and for sessionctl.</summary>
    public const string EnvironmentVariable = "SESSIONCLUSTER_DATA_DIR";

    private const string FolderName = "sessioncluster";

    /// <summary>
    /// <c>LocalApplicationData/sessioncluster</c>: on Linux <c>$XDG_DATA_HOME/sessioncluster</c>,
    /// else <c>~/.local/share/sessioncluster</c>; when no home is known, <c>&lt;temp&gt;/sessioncluster</c>.
    /// </summary>
    public static string Default()
    {
        var appData = Environment.GetFolderPath(
            Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(appData) ? Path.GetTempPath() : appData, FolderName);
    }

    /// <summary>The data dir named by <see cref="EnvironmentVariable"/>, else <see cref="Default"/>.</summary>
    public static string Resolve(Func<string, string?> environment)
    {
        var fromEnvironment = environment(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? Default() : Path.GetFullPath(fromEnvironment);
    }

    /// <summary>The file holding the API bearer token of the node whose data dir this is.</summary>
    public static string TokenFile(string dataDir) => Path.Combine(dataDir, Api.TokenFileName);
}
