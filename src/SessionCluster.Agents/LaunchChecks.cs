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
        if (WorkdirCheck.Problem(workdir) is { } problem)
        {
            throw new AgentStartException(ErrorKind.BadWorkdir, string.IsNullOrWhiteSpace(workdir)
                ? "the working directory is empty"
                : $"the working directory {workdir} {problem}");
        }
    }

    /// <summary>
    /// The absolute path of the program: as given when it has a slash, else found on the node's own PATH. A PATH
    /// in the session's environment reaches the agent but never picks which program the node runs.
    /// </summary>
    public static string Executable(string executable)
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

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new AgentStartException(ErrorKind.AgentBinaryMissing, Missing(executable, "not found on the node's PATH"));
    }

    /// <summary>
    /// A script's interpreter (<c>#!</c> line) exists and may run. setsid starts the agent after the spawn has
    /// succeeded, so a missing interpreter would otherwise show only as setsid's exit code.
    /// </summary>
    public static void Interpreter(string program)
    {
        Span<byte> head = stackalloc byte[256];
        int read;
        try
        {
            using var file = File.OpenRead(program);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Executable but not readable: the kernel decides.
            return;
        }

        head = head[..read];
        if (!head.StartsWith("#!"u8))
        {
            return;
        }

        var line = head[2..];
        var end = line.IndexOf((byte)'\n');
        line = (end < 0 ? line : line[..end]).Trim(" \t\r"u8);
        var space = line.IndexOfAny(" \t"u8);
        var interpreter = System.Text.Encoding.UTF8.GetString(space < 0 ? line : line[..space]);
        if (!IsExecutableFile(interpreter))
        {
            throw new AgentStartException(
                ErrorKind.AgentBinaryMissing,
                $"the agent program {program} could not be started: its interpreter {interpreter} is missing or not executable");
        }
    }

    private static string Missing(string executable, string why) => $"the agent program {executable} cannot be run: {why}";

    public static bool IsExecutableFile(string path)
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
