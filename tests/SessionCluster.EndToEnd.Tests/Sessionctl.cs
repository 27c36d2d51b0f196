using System.Diagnostics;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>Runs the real sessionctl against a node, as a script would.</summary>
public sealed class Sessionctl(NodeProcess node)
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public async Task<Result> RunAsync(params string[] args)
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

        info.Environment["SESSIONCLUSTER_URL"] = node.Url;
        info.Environment["SESSIONCLUSTER_DATA_DIR"] = node.DataDir;
        info.Environment.Remove("SESSIONCLUSTER_TOKEN");
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a verb with --json and reads the session it prints; fails with everything printed otherwise.</summary>
    public async Task<SessionDto> SessionAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)} failed: {result}\nnode:\n{node.Output}");
        return JsonSerializer.Deserialize<SessionDto>(result.Stdout, Api.Json)
            ?? throw new InvalidOperationException($"sessionctl printed no session: {result}");
    }

    public async Task<SessionDto> WaitAsync(string id, string statuses, int timeoutSeconds = 60)
    {
        var waited = await RunAsync("wait", id, "--until", statuses, "--timeout", timeoutSeconds.ToString());
        Assert.True(waited.ExitCode == 0, $"wait {id} --until {statuses}: {waited}\nnode:\n{node.Output}");
        return await SessionAsync("show", id);
    }
}
