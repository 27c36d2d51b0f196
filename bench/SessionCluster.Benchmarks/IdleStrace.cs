using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SessionCluster.Benchmarks;

/// <summary>
/// System calls of a running process counted by strace (<c>-f -c</c>: every thread, a summary at detach), for the idle
/// benchmark's SQLite figures: fcntl (SQLite's WAL locks, taken and released by every read transaction), pread64 and
/// pwrite64 (page reads and writes). Nothing but SQLite makes these calls in an idle node.
/// </summary>
public static class Strace
{
    private static readonly string[] Calls = ["fcntl", "pread64", "pwrite64"];

    /// <summary>The strace executable, or null when it is not installed.</summary>
    public static string? Path { get; } = new[] { "/usr/bin/strace", "/bin/strace", "/usr/local/bin/strace" }.FirstOrDefault(File.Exists);

    /// <summary>Calls per second of each counted call over <paramref name="duration"/>; null without strace.</summary>
    public static async Task<IReadOnlyDictionary<string, double>?> CountAsync(int pid, TimeSpan duration)
    {
        if (Path is null)
        {
            return null;
        }

        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"idle-strace-{pid}-{Guid.NewGuid():N}.txt");
        var info = new ProcessStartInfo(Path) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "-c", "-e", $"trace={string.Join(',', Calls)}", "-o", output, "-p", pid.ToString(Report.Invariant) })
        {
            info.ArgumentList.Add(arg);
        }

        using var strace = Process.Start(info)!;
        var stderr = strace.StandardError.ReadToEndAsync();
        await Task.Delay(duration);
        kill(strace.Id, 2); // SIGINT: strace detaches and writes its summary.
        await strace.WaitForExitAsync();
        await stderr;
        try
        {
            var counts = Calls.ToDictionary(c => c, _ => 0.0);
            foreach (var line in File.ReadLines(output))
            {
                // "% time     seconds  usecs/call     calls    errors syscall"
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 5 && counts.ContainsKey(fields[^1]) && long.TryParse(fields[3], out var calls))
                {
                    counts[fields[^1]] = calls / duration.TotalSeconds;
                }
            }

            return counts;
        }
        finally
        {
            File.Delete(output);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
