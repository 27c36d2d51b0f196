using System.Diagnostics;

namespace SessionCluster.Testing;

/// <summary>The real sessionctl (<c>dotnet sessionctl.dll</c>) run against a node, as a script would, timed around.</summary>
public static class SessionctlProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, long StartedAt, long ReturnedAt)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>sessionctl with <paramref name="args"/> against <paramref name="node"/>, all three streams redirected.</summary>
    public static ProcessStartInfo StartInfo(NodeProcess node, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BuiltPrograms.SessionctlDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The token comes from the node's data dir, as on the node's own machine.
        info.Environment["SESSIONCLUSTER_URL"] = node.Url;
        info.Environment["SESSIONCLUSTER_DATA_DIR"] = node.DataDir;
        info.Environment.Remove("SESSIONCLUSTER_TOKEN");
        return info;
    }

    public static async Task<Result> RunAsync(NodeProcess node, params string[] args)
    {
        var info = StartInfo(node, args);
        var startedAt = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var returnedAt = Stopwatch.GetTimestamp();
        return new Result(process.ExitCode, await stdout, await stderr, startedAt, returnedAt);
    }
}
