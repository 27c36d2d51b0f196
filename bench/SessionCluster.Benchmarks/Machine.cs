using System.Diagnostics;
using System.Runtime.InteropServices;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>What the figures were measured on.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memKb = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var mem = long.TryParse(memKb, out var kb) ? $"{kb / 1024.0 / 1024.0:0.0} GiB" : "?";
        var claude = TryRun(AgentBinaries.Claude, "--version");
        var sdk = TryRun("dotnet", "--version");
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        return $"""
            machine: {Environment.ProcessorCount} logical CPUs, {cpu}, {mem} RAM
            os: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}); dotnet SDK {sdk}, runtime {Environment.Version}; claude {claude}
            load average at start: {string.Join(" ", load)} (1, 5, 15 min)
            date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC
            """;
    }

    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat times (getconf CLK_TCK; 100 on Linux almost always).</summary>
    public static int ClockTicksPerSecond { get; } = int.TryParse(TryRun("getconf", "CLK_TCK"), out var ticks) && ticks > 0 ? ticks : 100;

    private static string TryRun(string file, string args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"? ({e.Message})";
        }
    }
}
