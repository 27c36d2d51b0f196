using System.Reflection;

namespace SessionCluster.Agents;

/// <summary>How the node starts its reaper: a program and its arguments, no shell.</summary>
public sealed record ReaperCommand(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// This very program with the <see cref="AgentReaper.Verb"/> verb. Run as <c>dotnet SessionCluster.Node.dll</c>
    /// the process is <c>dotnet</c>, so the entry assembly goes first.
    /// </summary>
    public static ReaperCommand ForThisProgram()
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("the node's own executable is unknown");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(program) == "dotnet" && !string.IsNullOrEmpty(entry)
            ? new ReaperCommand(program, [entry, AgentReaper.Verb])
            : new ReaperCommand(program, [AgentReaper.Verb]);
    }
}
