using System.Diagnostics;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The real <c>sessionctl output --follow</c> running alongside a test: its stdout lines as they are printed (each with
/// when it arrived), and its exit.
/// </summary>
public sealed class FollowingSessionctl : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<(string Line, long At)> lines = [];
    private readonly Task<string> stderr;
    private readonly Task reading;

    private FollowingSessionctl(Process process)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
        reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add((line, Stopwatch.GetTimestamp()));
                }
            }
        });
    }

    public static FollowingSessionctl Start(NodeProcess node, params string[] args)
    {
        var process = Process.Start(SessionctlProcess.StartInfo(node, args))!;
        process.StandardInput.Close();
        return new FollowingSessionctl(process);
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.Select(l => l.Line).ToList();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>Its exit code and stderr once it ended on its own within <paramref name="seconds"/>.</summary>
    public async Task<(int ExitCode, string Stderr)> ExitAsync(int seconds = 60)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"sessionctl output --follow did not exit within {seconds} s; printed:\n{string.Join('\n', Lines)}");
        }

        await reading;
        return (process.ExitCode, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
