using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>Runs the real sessionctl against a node, as a script would.</summary>
public sealed class Sessionctl(NodeProcess node)
{
    public Task<SessionctlProcess.Result> RunAsync(params string[] args) => SessionctlProcess.RunAsync(node, args);

    /// <summary>Runs a verb with --json and reads the session it prints; fails with everything printed otherwise.</summary>
    public async Task<SessionDto> SessionAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)} failed: {result}\nnode:\n{node.Output}");
        return JsonSerializer.Deserialize<SessionDto>(result.Stdout, Api.Json)
            ?? throw new InvalidOperationException($"sessionctl printed no session: {result}");
    }

    /// <summary>Runs a verb that must succeed and returns what it printed.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"sessionctl {string.Join(' ', args)} on {node.Url}: {result}");
        return result.Stdout;
    }

    /// <summary>Runs a verb with --json that must succeed and reads its answer.</summary>
    public async Task<T> JsonAsync<T>(params string[] args) =>
        JsonSerializer.Deserialize<T>(await OkAsync([.. args, "--json"]), Api.Json)!;

    public async Task<SessionDto> WaitAsync(string id, string statuses, int timeoutSeconds = 60)
    {
        var waited = await RunAsync("wait", id, "--until", statuses, "--timeout", timeoutSeconds.ToString());
        Assert.True(waited.ExitCode == 0, $"wait {id} --until {statuses}: {waited}\nnode:\n{node.Output}");
        return await SessionAsync("show", id);
    }
}
