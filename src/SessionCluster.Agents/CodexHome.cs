using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// A codex session's own CODEX_HOME: parallel sessions do not race on one auth file, and a resume finds its thread.
/// <c>&lt;HomesRoot&gt;/&lt;session id&gt;</c>, mode 0700, seeded with the node's <c>config.toml</c> and <c>auth.json</c>;
/// a resumed session also gets the <c>sessions/</c> tree (codex's thread transcripts) of the session it resumes.
/// </summary>
public static class CodexHome
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Where <paramref name="sessionId"/>'s home is.</summary>
    /// <exception cref="AgentStartException">The id would name a path outside <paramref name="homesRoot"/>.</exception>
    public static string PathOf(string homesRoot, string sessionId)
    {
        // Session ids are safe ids already; this is the last line before a path leaves the root.
        if (string.IsNullOrWhiteSpace(sessionId) || sessionId is "." or ".." || sessionId.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new AgentStartException(ErrorKind.AgentError, $"the session id '{sessionId}' cannot name a CODEX_HOME directory");
        }

        var root = Path.GetFullPath(homesRoot);
        var home = Path.GetFullPath(Path.Combine(root, sessionId));
        if (Path.GetDirectoryName(home) != root.TrimEnd(Path.DirectorySeparatorChar))
        {
            throw new AgentStartException(ErrorKind.AgentError, $"the session id '{sessionId}' cannot name a CODEX_HOME directory");
        }

        return home;
    }

    /// <summary>Deletes <paramref name="sessionId"/>'s home (a pruned session's), if it has one.</summary>
    public static void Delete(string homesRoot, string sessionId)
    {
        var home = PathOf(homesRoot, sessionId);
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Creates (or reuses) the home of <paramref name="request"/>'s session and returns its path.</summary>
    /// <exception cref="AgentStartException">The home cannot be made (no room, no permission).</exception>
    public static string Prepare(string homesRoot, string? seedHome, AgentLaunchRequest request)
    {
        var home = PathOf(homesRoot, request.SessionId);
        try
        {
            OwnDirectory(homesRoot);
            OwnDirectory(home);
            if (!string.IsNullOrEmpty(seedHome) && Directory.Exists(seedHome))
            {
                foreach (var name in CodexDriverOptions.SeedFiles)
                {
                    var seed = Path.Combine(seedHome, name);
                    var copy = Path.Combine(home, name);
                    if (File.Exists(seed) && !File.Exists(copy))
                    {
                        File.Copy(seed, copy);
                        if (!OperatingSystem.IsWindows())
                        {
                            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                        }
                    }
                }
            }

            if (request.Launch.ResumedFrom is { FromSessionId: { Length: > 0 } from } && from != request.SessionId)
            {
                var earlier = Path.Combine(PathOf(homesRoot, from), "sessions");
                if (Directory.Exists(earlier))
                {
                    CopyTree(earlier, Path.Combine(home, "sessions"));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentStartException(ErrorKind.AgentError, $"the CODEX_HOME {home} could not be prepared: {e.Message}");
        }

        return home;
    }

    /// <summary>Creates <paramref name="path"/> when missing; either way only its owner may enter it.</summary>
    private static void OwnDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    private static void CopyTree(string from, string to)
    {
        OwnDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            // Never follow a link out of the earlier home.
            if (!new DirectoryInfo(directory).Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
            }
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            if (!new FileInfo(file).Attributes.HasFlag(FileAttributes.ReparsePoint) && !File.Exists(target))
            {
                File.Copy(file, target);
            }
        }
    }
}
