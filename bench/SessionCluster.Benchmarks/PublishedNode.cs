using System.Diagnostics;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The node as it is deployed: <c>dotnet publish -c Release</c> (ReadyToRun, as the image's Dockerfile builds it) into
/// the benchmark's own output, published again only when something changed (MSBuild's incremental build).
/// </summary>
public static class PublishedNode
{
    public static async Task<string> PublishAsync()
    {
        var output = Path.Combine(AgentBinaries.RepoRoot, "bench", "SessionCluster.Benchmarks", "bin", "published-node");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", Path.Combine(AgentBinaries.RepoRoot, "src", "SessionCluster.Node"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet" })
        {
            info.ArgumentList.Add(arg);
        }

        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the node failed (exit {publish.ExitCode}):\n{await stdout}\n{await stderr}");
        }

        return Path.Combine(output, "SessionCluster.Node.dll");
    }
}
