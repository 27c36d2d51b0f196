using System.Diagnostics;

namespace SessionCluster.Agents;

/// <summary>Whether a node can run an agent: its program found, and the version it says it is.</summary>
/// <param name="Path">The program's absolute path; null when it is not found.</param>
/// <param name="Version">The first line the program prints for --version; null when it did not say in time.</param>
/// <param name="Problem">Why the agent cannot run here (not installed, not executable); null when it can.</param>
public sealed record AgentInstallation(string Agent, string? Path, string? Version, string? Problem)
{
    private static readonly TimeSpan VersionDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Looks the driver's program up as a launch would, and asks it its version (no shell; at most 10 s).</summary>
    public static async Task<AgentInstallation> FindAsync(IAgentDriver driver)
    {
        if (driver.Executable is not { } executable)
        {
            return new AgentInstallation(driver.Agent, null, null, null);
        }

        string path;
        try
        {
            path = LaunchChecks.Executable(executable);
            LaunchChecks.Interpreter(path);
        }
        catch (AgentStartException e)
        {
            return new AgentInstallation(driver.Agent, null, null, e.Message);
        }

        return new AgentInstallation(driver.Agent, path, await VersionAsync(path), null);
    }

    private static async Task<string?> VersionAsync(string path)
    {
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("--version");
        using var deadline = new CancellationTokenSource(VersionDeadline);
        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            _ = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            var first = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return process.ExitCode == 0 ? first : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException or OperationCanceledException)
        {
            return null;
        }
    }
}
