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
        var start = NodeExecutable.StartInfo(
            Path.GetTempPath(), new[] { "--data-dir", dataDir, "--urls", "http://127.0.0.1:0", "--akka-port", "0" }.Concat(extraArgs));
        start.Environment.Remove("SESSIONCLUSTER_SECRETS_KEY");

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
}
