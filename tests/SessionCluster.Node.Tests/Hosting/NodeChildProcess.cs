using System.Diagnostics;
using System.Text;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>SessionCluster.Node.dll from this test output, run as a real process on loopback with any free ports.</summary>
internal sealed class NodeChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private NodeChildProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything it printed so far, stdout and stderr, for assertions and failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static NodeChildProcess Start(string dataDir, params string[] extraArgs)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "SessionCluster.Node.dll"), "--data-dir", dataDir, "--urls", "http://127.0.0.1:0", "--akka-port", "0" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in EnvironmentScope.NodeVariables.Append("SESSIONCLUSTER_SECRETS_KEY"))
        {
            start.Environment.Remove(name);
        }

        return new NodeChildProcess(Process.Start(start) ?? throw new InvalidOperationException("the node did not start"));
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails (with the output) when the node exits first or time runs out.</summary>
    public async Task UntilAsync(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited)
            {
                Assert.Fail($"the node exited ({process.ExitCode}) before {what}:\n{Output}");
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"not {what} within {seconds} s:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>The exit code, or null when it is still running after <paramref name="seconds"/>.</summary>
    public async Task<int?> ExitAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL, as in a crash: nothing is cleaned up.</summary>
    public async Task CrashAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await CrashAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
