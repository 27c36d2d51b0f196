namespace SessionCluster.Testing;

/// <summary>Where the real agent programs are: installed into the repository by <c>.ci/install-agents</c>.</summary>
public static class AgentBinaries
{
    public const string ClaudeVersion = "2.1.328";
    public const string CodexVersion = "0.169.0";

    private static readonly Lazy<string> RepoRootPath = new(FindRepoRoot);

    /// <summary>The directory that holds SessionCluster.sln.</summary>
    public static string RepoRoot => RepoRootPath.Value;

    /// <summary>The claude executable: SESSIONCLUSTER_CLAUDE_EXECUTABLE, else the repository's install.</summary>
    public static string Claude => Find("claude", "SESSIONCLUSTER_CLAUDE_EXECUTABLE");

    /// <summary>The codex executable: SESSIONCLUSTER_CODEX_EXECUTABLE, else the repository's install.</summary>
    public static string Codex => Find("codex", "SESSIONCLUSTER_CODEX_EXECUTABLE");

    private static string Find(string name, string variable)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{variable} is {configured}, which does not exist.");
        }

        var installed = Path.Combine(RepoRoot, ".tools", "agents", "node_modules", ".bin", name);
        return File.Exists(installed)
            ? installed
            : throw new InvalidOperationException(
                $"The real {name} program is not installed at {installed}. Run .ci/install-agents from the repository " +
                $"root (or set {variable} to its path): the agent tests run the real program and are never skipped.");
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionCluster.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
