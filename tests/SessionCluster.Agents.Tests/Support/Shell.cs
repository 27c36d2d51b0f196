namespace SessionCluster.Agents.Tests.Support;

/// <summary>Specs for small /bin/sh scripts standing in for an agent where the real one cannot show a behaviour.</summary>
public static class Shell
{
    public static AgentProcessSpec Script(
        string script,
        string? workdir = null,
        IReadOnlyDictionary<string, string>? env = null,
        IReadOnlyList<string>? stdinLines = null,
        bool keepStdinOpen = false) =>
        new("/bin/sh", ["-c", script], workdir ?? Path.GetTempPath(), env ?? new Dictionary<string, string>(), stdinLines ?? [], keepStdinOpen);
}
