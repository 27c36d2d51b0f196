using System.Diagnostics;
using System.Net;
using System.Text;

namespace SessionCluster.Testing;

/// <summary>A real SessionCluster node process on loopback, with its own data dir.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly IReadOnlyList<string> extraArgs;
    private readonly StringBuilder output = new();
    private Process? process;

    private NodeProcess(string dataDir, int httpPort, int akkaPort, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> extraArgs)
    {
        DataDir = dataDir;
        HttpPort = httpPort;
        AkkaPort = akkaPort;
        this.environment = environment;
        this.extraArgs = extraArgs;
    }

    public string DataDir { get; }

    public int HttpPort { get; }

    /// <summary>The remoting port it was started with; 0: any free port (a node alone).</summary>
    public int AkkaPort { get; }

    /// <summary>The node's process id while it runs.</summary>
    public int Pid => process!.Id;

    public string Url => $"http://127.0.0.1:{HttpPort}";

    public string Token => File.ReadAllText(Path.Combine(DataDir, "api-token")).Trim();

    /// <summary>What the node printed so far, for failure messages.</summary>
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

    /// <param name="akkaPort">A fixed remoting port, so other nodes can name this one as their seed; 0: any free port.</param>
    /// <param name="waitUntilReady">False: return once the process runs (a caller that times the start waits itself).</param>
    public static async Task<NodeProcess> StartAsync(
        string dataDir, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? extraArgs = null, int akkaPort = 0,
        bool waitUntilReady = true)
    {
        var node = new NodeProcess(dataDir, FreePort.Next(), akkaPort, environment, extraArgs ?? []);
        await node.StartAgainAsync(waitUntilReady);
        return node;
    }

    /// <summary>Starts the node (again) on the same data dir and port, and waits until it is ready.</summary>
    public async Task StartAgainAsync(bool waitUntilReady = true)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BuiltPrograms.NodeDll, "--data-dir", DataDir, "--urls", Url, "--akka-port", AkkaPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilReady)
        {
            await WaitUntilReadyAsync();
        }
    }

    /// <summary>SIGKILL: the node gets no chance to clean up, as in a crash.</summary>
    public async Task CrashAsync()
    {
        process!.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Asks the node to stop (SIGTERM as from systemd or Kubernetes, SIGINT as from Ctrl-C) and waits for its exit code.</summary>
    public async Task<int> StopAsync(int signal, TimeSpan deadline)
    {
        if (kill(process!.Id, signal) != 0)
        {
            throw new InvalidOperationException($"could not signal the node (pid {process.Id})");
        }

        return await WaitForExitAsync(deadline, $"of signal {signal}");
    }

    /// <summary>Waits for the node to exit on its own (it left the cluster, say) and returns its exit code.</summary>
    /// <param name="after">What it should stop after, for the timeout's message.</param>
    public async Task<int> WaitForExitAsync(TimeSpan deadline, string after = "") =>
        await ExitCodeAsync(deadline) ?? throw new TimeoutException($"the node did not stop within {deadline.TotalSeconds} s {after}:\n{Output}");

    /// <summary>The node's exit code once it exits, or null if it still runs after <paramref name="deadline"/>.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process!.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return process.ExitCode;
    }

    public const int SigInt = 2;
    public const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    /// <summary>Waits until <c>/healthz/ready</c> answers 200 (the node is an Up member and has swept), within 60 s.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyDeadline)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"the node exited with code {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync($"{Url}/healthz/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while it starts.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the node was not ready within {ReadyDeadline.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // Bounded: a chatty node must not eat the test's memory.
            if (output.Length > 200_000)
            {
                output.Remove(0, 100_000);
            }

            output.AppendLine(line);
        }
    }
}
