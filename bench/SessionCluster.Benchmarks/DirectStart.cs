using System.Diagnostics;
using SessionCluster.Agents;

namespace SessionCluster.Benchmarks;

/// <summary>Starts an agent the way the bench's direct paths do: a driver's spec, no shell, its first stdin lines written.</summary>
public static class DirectStart
{
    /// <param name="StartedAt">The Stopwatch timestamp just before <see cref="Process.Start()"/>.</param>
    /// <param name="KernelStart">The start the kernel recorded, as a Stopwatch timestamp (10 ms ticks); null when unknown.</param>
    public sealed record Started(Process Process, long StartedAt, long? KernelStart);

    /// <param name="environment">The node's environment for the agent; the spec's own variables go on top, as the node does.</param>
    public static async Task<Started> StartAsync(AgentProcessSpec spec, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(spec.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        foreach (var arg in spec.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment.Concat(spec.Environment))
        {
            info.Environment[key] = value;
        }

        var start = Stopwatch.GetTimestamp();
        var process = Process.Start(info)!;
        var kernelStart = ProcStart.StopwatchTimestamp(process.Id);
        foreach (var line in spec.StdinLines)
        {
            await process.StandardInput.WriteLineAsync(line);
        }

        await process.StandardInput.FlushAsync();
        return new Started(process, start, kernelStart);
    }
}
