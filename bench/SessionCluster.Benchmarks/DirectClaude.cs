using SessionCluster.Domain;
using System.Collections.Immutable;
using System.Diagnostics;
using SessionCluster.Agents;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Runs claude as the node would (same argv as <see cref="ClaudeDriver"/> with the node's <c>--allowedTools Bash</c>,
/// the prompt as the first stdin line, stdin kept open until the result), without the node.
/// </summary>
public static class DirectClaude
{
    /// <summary>The extra arguments the benchmark node is configured with (as the end-to-end tests' node).</summary>
    public static readonly string[] ExtraArgs = ["--allowedTools", "Bash"];

    /// <param name="KernelStartLagMs">From our timestamp before Process.Start to the start the kernel recorded (10 ms ticks).</param>
    public sealed record Run(double FirstStdoutMs, double FirstRequestMs, double ResultMs, int StdoutLines, int ExitCode, double KernelStartLagMs);

    public static IReadOnlyDictionary<string, string> Environment(string baseUrl, string home) =>
        AgentTestEnvironment.Claude(baseUrl, home, maxRetries: 2);

    public static async Task<Run> RunAsync(ScriptedModelServer model, string home, string workdir, string prompt)
    {
        var spec = new ClaudeDriver(new ClaudeDriverOptions(AgentBinaries.Claude, ExtraArgs))
            .Launch(new AgentLaunchRequest("bench", new LaunchSpec("claude", prompt, workdir, null, MultiTurn: false, 0, ImmutableSortedDictionary<string, string>.Empty)));
        var firstRequest = FirstRequest.Watch(model, prompt);
        var (started, start, kernelStart) = await DirectStart.StartAsync(spec, Environment(model.BaseUrl, home));
        using var process = started;
        var stderr = process.StandardError.ReadToEndAsync();

        long firstLineAt = 0, resultAt = 0;
        var lines = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var now = Stopwatch.GetTimestamp();
            if (lines++ == 0)
            {
                firstLineAt = now;
            }

            if (line.Contains("\"type\":\"result\"", StringComparison.Ordinal))
            {
                // One turn: the node closes stdin at the result, and so do we.
                resultAt = now;
                process.StandardInput.Close();
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        if (resultAt == 0)
        {
            throw new InvalidOperationException($"claude exited {process.ExitCode} without a result line; stderr: {await stderr}");
        }

        var requestAt = await firstRequest.At(TimeSpan.FromSeconds(10));
        return new Run(
            Stopwatch.GetElapsedTime(start, firstLineAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(start, requestAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(start, resultAt).TotalMilliseconds,
            lines,
            process.ExitCode,
            kernelStart is { } k ? Stopwatch.GetElapsedTime(start, k).TotalMilliseconds : double.NaN);
    }
}

/// <summary>
/// When the model server received the first turn request holding a marker: the match runs inside the server's
/// request handler, when the request is recorded (after its body was read), so the timestamp is taken there.
/// </summary>
public sealed class FirstRequest
{
    private long at;
    private Task<ModelRequest> seen = Task.FromResult<ModelRequest>(null!);

    public static FirstRequest Watch(ScriptedModelServer model, string marker)
    {
        var watch = new FirstRequest();
        watch.seen = model.WaitForRequestAsync(
            r =>
            {
                if (!r.IsTurn || !r.Body.Contains(marker, StringComparison.Ordinal))
                {
                    return false;
                }

                Interlocked.CompareExchange(ref watch.at, Stopwatch.GetTimestamp(), 0);
                return true;
            },
            TimeSpan.FromMinutes(3));
        return watch;
    }

    /// <summary>The Stopwatch timestamp of the request.</summary>
    public async Task<long> At(TimeSpan timeout)
    {
        await seen.WaitAsync(timeout);
        return Interlocked.Read(ref at);
    }
}
