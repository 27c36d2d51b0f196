using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// What is checked before a spawn, so a failure says what is wrong in words (the OS only says ENOENT for both a
/// missing program and a missing working directory).
/// </summary>
internal static class LaunchChecks
{
    public static void Workdir(string workdir)
    {
        if (string.IsNullOrWhiteSpace(workdir))
        {
            throw new AgentStartException(ErrorKind.BadWorkdir, "the working directory is empty");
        }

        if (!Directory.Exists(workdir))
        {
            var problem = File.Exists(workdir) ? "is a file, not a directory" : "does not exist";
            throw new AgentStartException(ErrorKind.BadWorkdir, $"the working directory {workdir} {problem}");
        }

        if (!Libc.CanEnter(workdir))
        {
            throw new AgentStartException(ErrorKind.BadWorkdir, $"the working directory {workdir} cannot be entered (permission denied)");
        }
    }

    /// <summary>The absolute path of the program: as given when it has a slash, else found on the child's PATH.</summary>
    public static string Executable(string executable, IReadOnlyDictionary<string, string> environment)
    {
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new AgentStartException(ErrorKind.AgentBinaryMissing, "no agent program is configured (the executable is empty)");
        }

        if (executable.Contains('/'))
        {
            var path = Path.GetFullPath(executable);
            return IsExecutableFile(path)
                ? path
                : throw new AgentStartException(ErrorKind.AgentBinaryMissing, Missing(executable, File.Exists(path) ? "it is not executable" : "no such file"));
        }

        // The child's PATH decides, as it would for a shell the child started.
        var searchPath = environment.TryGetValue("PATH", out var childPath) ? childPath : Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new AgentStartException(ErrorKind.AgentBinaryMissing, Missing(executable, "not found on PATH"));
    }

    private static string Missing(string executable, string why) => $"the agent program {executable} cannot be run: {why}";

    private static bool IsExecutableFile(string path)
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            // The mode is the target's: a symlink (node_modules/.bin/claude) counts by what it points to.
            return File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & anyExecute) != 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
