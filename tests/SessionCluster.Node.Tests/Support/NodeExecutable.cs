using System.Diagnostics;

namespace SessionCluster.Node.Tests.Support;

/// <summary>SessionCluster.Node.dll from this test output, started as a child process with none of the node's own variables.</summary>
internal static class NodeExecutable
{
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionCluster.Node.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in EnvironmentScope.NodeVariables)
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    /// <summary>Runs the node to its end: its exit code and stderr, or a null exit code when it outlived <paramref name="timeout"/> (then it is killed).</summary>
    public static async Task<(int? ExitCode, string Stderr)> RunToExitAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (null, await stderr);
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
