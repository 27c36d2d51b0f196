using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// A real node process started on an existing data dir and timed from <c>Process.Start</c> to <c>/healthz/ready</c>
/// answering 200 (polled every 20 ms). Unlike <see cref="NodeProcess"/> it waits up to 10 minutes, so a slow start
/// before a fix is measured instead of failing.
/// </summary>
public sealed class TimedNodeStart : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(10);
    private readonly Process process;

    private TimedNodeStart(Process process, string url, TimeSpan ready, HttpClient http)
    {
        this.process = process;
        Url = url;
        Ready = ready;
        Http = http;
    }

    public string Url { get; }

    /// <summary>From process start to the first 200 of /healthz/ready.</summary>
    public TimeSpan Ready { get; }

    /// <summary>A client with the node's API token.</summary>
    public HttpClient Http { get; }

    public int Pid => process.Id;

    public static async Task<TimedNodeStart> StartAsync(string dataDir, int httpPort, IReadOnlyDictionary<string, string> environment, string config)
    {
        var url = $"http://127.0.0.1:{httpPort}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { BuiltPrograms.NodeDll, "--data-dir", dataDir, "--urls", url, "--akka-port", "0", "--config", config })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the node exited with code {process.ExitCode}:\n{Tail(output)}");
            }

            if (clock.Elapsed > ReadyDeadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the node was not ready within {ReadyDeadline.TotalMinutes} minutes:\n{Tail(output)}");
            }

            try
            {
                using var response = await probe.GetAsync($"{url}/healthz/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer.
            }

            await Task.Delay(20);
        }

        var ready = clock.Elapsed;
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await File.ReadAllTextAsync(Path.Combine(dataDir, "api-token"))).Trim());
        return new TimedNodeStart(process, url, ready, http);
    }

    /// <summary>SIGTERM, as systemd stops it; waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited && kill(process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"could not signal the node (pid {process.Id})");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length > 100_000)
            {
                output.Remove(0, 50_000);
            }

            output.AppendLine(line);
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }
}
