namespace SessionCluster.Benchmarks;

/// <summary>What Linux says about one process: its resident memory and the CPU it used (its own, not its children's).</summary>
public static class ProcStat
{
    /// <summary>
    /// The node's pid: NodeProcess runs <c>dotnet SessionCluster.Node.dll --data-dir &lt;dir&gt; ...</c> and does not expose it,
    /// so find the process whose command line holds both.
    /// </summary>
    public static int FindNode(string dataDir)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (args.Any(a => a.EndsWith("SessionCluster.Node.dll", StringComparison.Ordinal)) && args.Contains(dataDir))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours.
            }
        }

        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"expected one node process with --data-dir {dataDir}, found {found.Count}");
    }

    /// <summary>VmRSS in bytes.</summary>
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Report.Invariant) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    /// <summary>utime + stime, in clock ticks: this process's threads only (a child's CPU is not in them).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return long.Parse(fields[11], Report.Invariant) + long.Parse(fields[12], Report.Invariant);
    }

    public static double TicksToMs(long ticks) => ticks * 1000.0 / Machine.ClockTicksPerSecond;

    public static string Mib(double bytes) => $"{bytes / (1024 * 1024):0.0} MiB";
}

/// <summary>When a process started, as the kernel recorded it (10 ms ticks), on the Stopwatch clock.</summary>
public static class ProcStart
{
    /// <summary>The Stopwatch timestamp of the start of <paramref name="pid"/>, or null when it is gone.</summary>
    public static long? StopwatchTimestamp(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            var started = process.StartTime.ToUniversalTime();
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            var ago = DateTime.UtcNow - started;
            return now - (long)(ago.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The children of <paramref name="parent"/> (PPid in /proc/&lt;pid&gt;/stat).</summary>
    public static IReadOnlyList<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], Report.Invariant) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return children;
    }
}
