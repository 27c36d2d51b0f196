using System.Diagnostics;
using System.Text;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>
/// <c>openssl s_client</c> connected to a node's remoting port, its stdin held open: it ends when the node
/// closes the connection, or when disposed.
/// </summary>
internal sealed class OpensslClient : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private OpensslClient(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

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

    public static OpensslClient Connect(Akka.Actor.Address node, params string[] options)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "s_client", "-brief", "-connect", $"{node.Host}:{node.Port}" }.Concat(options))
        {
            start.ArgumentList.Add(arg);
        }

        return new OpensslClient(Process.Start(start) ?? throw new InvalidOperationException("openssl did not start"));
    }

    public async Task WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"openssl did not print '{text}' within {timeout.TotalSeconds} s: {Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>True when openssl exits within <paramref name="timeout"/>.</summary>
    public async Task<bool> Exited(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            if (!await Exited(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
            }
        }

        await process.WaitForExitAsync();
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
