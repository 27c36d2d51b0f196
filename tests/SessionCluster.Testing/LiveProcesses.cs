using System.Diagnostics;
using System.Text;

namespace SessionCluster.Testing;

/// <summary>What /proc says runs right now: for tests that prove a process is gone (there is no notification).</summary>
public static class LiveProcesses
{
    /// <summary>Running: it exists and is not a zombie; with a start time, only if it is still that process.</summary>
    public static bool IsRunning(int pid, long? startTime = null)
    {
        if (Stat(pid) is not { } fields)
        {
            return false;
        }

        return fields[0] is not ("Z" or "X") && (startTime is null || fields[19] == startTime.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The start time (field 22 of /proc/&lt;pid&gt;/stat), or null when there is no such process.</summary>
    public static long? StartTime(int pid) => Stat(pid) is { } fields ? long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Running processes with an argument that contains <paramref name="text"/>, each with its command line.</summary>
    public static IReadOnlyList<string> WithArgument(string text) =>
        Running().Where(pid => Arguments(pid).Any(a => a.Contains(text, StringComparison.Ordinal))).Select(Describe).ToList();

    /// <summary>Running processes started with <paramref name="name"/>=<paramref name="value"/> in their environment.</summary>
    public static IReadOnlyList<string> WithVariable(string name, string value) =>
        Running().Where(pid => Environment(pid).Contains($"{name}={value}")).Select(Describe).ToList();

    public static string Describe(int pid) => $"{pid}: {string.Join(' ', Arguments(pid))}";

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds} s: {what()}");
            }

            await Task.Delay(20);
        }
    }

    private static IEnumerable<int> Running() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != System.Environment.ProcessId && IsRunning(pid));

    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] Arguments(int pid) => Read($"/proc/{pid}/cmdline");

    private static string[] Environment(int pid) => Read($"/proc/{pid}/environ");

    private static string[] Read(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
