using System.Diagnostics;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The real <c>sessionctl output --follow</c> (or <c>cluster tail</c>) running alongside a test: its stdout lines as
/// they are printed (each with when it arrived), Ctrl+C, and its exit.
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
            throw new Xunit.Sdk.XunitException($"sessionctl did not exit within {seconds} s; printed:\n{string.Join('\n', Lines)}");
        }

        await reading;
        return (process.ExitCode, await stderr);
    }

    /// <summary>The first line printed that <paramref name="match"/> accepts, waited for up to <paramref name="seconds"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                var why = process.HasExited ? $"it exited with {process.ExitCode}" : $"not within {seconds} s";
                throw new Xunit.Sdk.XunitException($"sessionctl printed no line with {what} ({why}); printed:\n{string.Join('\n', Lines)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it.</summary>
    public void Interrupt()
    {
        if (kill(process.Id, 2) != 0)
        {
            throw new InvalidOperationException($"could not signal sessionctl (pid {process.Id})");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

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
