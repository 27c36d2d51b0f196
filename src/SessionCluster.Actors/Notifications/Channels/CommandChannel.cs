using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// Runs the configured program once per delivery, with its argument list as given (no shell: nothing in a notification
/// can become a command) and the JSON payload on stdin, then stdin closed. Exit 0 is delivered; any other exit fails
/// with its code and the end of its stderr. This is how a chat gateway's own CLI is plugged in.
/// </summary>
/// <remarks>
/// The program inherits the node's environment, plus SESSIONCLUSTER_NOTIFICATION_ID, SESSIONCLUSTER_NOTIFICATION_KIND
/// and SESSIONCLUSTER_SESSION_ID, and runs in the node's data directory. When the delivery is cancelled (the channel's
/// timeout) the program and every process it started are killed. Its stdout is read and dropped.
/// </remarks>
public sealed class CommandChannel : INotificationChannel
{
    private const int StderrTailChars = 500;
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private static readonly TimeSpan OutputDrainGrace = TimeSpan.FromSeconds(1);

    private readonly CommandChannelSettings settings;
    private readonly string? workingDirectory;

    /// <param name="workingDirectory">Where the program runs (the node's data directory); the node's own when null or missing.</param>
    public CommandChannel(CommandChannelSettings settings, string? workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(settings.Executable))
        {
            throw new ChannelException("the command channel has no executable");
        }

        this.settings = settings;
        this.workingDirectory = workingDirectory is not null && System.IO.Directory.Exists(workingDirectory) ? workingDirectory : null;
    }

    public async Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = StartInfo(delivery) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ChannelException($"cannot start {settings.Executable}: {StartError(e)}", e);
        }

        try
        {
            _ = DrainAsync(process.StandardOutput, 0);
            var stderr = DrainAsync(process.StandardError, StderrTailChars);
            await WriteStdinAsync(process, NotificationPayload.Json(delivery), cancellation);
            await process.WaitForExitAsync(cancellation);
            var tail = await WithinGraceAsync(stderr);
            if (process.ExitCode != 0)
            {
                var said = tail.Trim();
                throw new ChannelException(said.Length == 0 ? $"exit {process.ExitCode}" : $"exit {process.ExitCode}: {said}");
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            KillTree(process);
            throw;
        }
    }

    public void Dispose()
    {
    }

    private ProcessStartInfo StartInfo(NotificationDelivery delivery)
    {
        var start = new ProcessStartInfo(settings.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            CreateNoWindow = true,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in settings.Args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SESSIONCLUSTER_NOTIFICATION_ID"] = delivery.Id;
        start.Environment["SESSIONCLUSTER_NOTIFICATION_KIND"] = delivery.Notification.Kind.ToWire();
        start.Environment["SESSIONCLUSTER_SESSION_ID"] = delivery.Notification.SessionId;
        return start;
    }

    private static async Task WriteStdinAsync(Process process, string payload, CancellationToken cancellation)
    {
        try
        {
            await process.StandardInput.WriteAsync(payload.AsMemory(), cancellation);
            await process.StandardInput.FlushAsync(cancellation);
        }
        catch (IOException)
        {
            // The program exited (or closed stdin) without reading it all: its exit code says whether it delivered.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Same: a broken pipe on close.
            }
        }
    }

    /// <summary>Reads a stream to its end, keeping its last <paramref name="keep"/> characters.</summary>
    private static async Task<string> DrainAsync(StreamReader reader, int keep)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            while (await reader.ReadAsync(buffer) is var n and > 0)
            {
                if (keep == 0)
                {
                    continue;
                }

                tail.Append(buffer, 0, n);
                if (tail.Length > keep * 2)
                {
                    tail.Remove(0, tail.Length - keep);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was killed or disposed: what was read is all there is.
        }

        return tail.Length <= keep ? tail.ToString() : tail.ToString(tail.Length - keep, keep);
    }

    /// <summary>The stderr tail once the pipe closes; a program that left a child holding it open has still answered by its exit.</summary>
    private static async Task<string> WithinGraceAsync(Task<string> stderr)
    {
        try
        {
            return await stderr.WaitAsync(OutputDrainGrace);
        }
        catch (TimeoutException)
        {
            return string.Empty;
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            // Reap it, so no zombie is left; a killed process exits at once.
            process.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static string StartError(Win32Exception e)
    {
        var reason = e.NativeErrorCode != 0 ? Marshal.GetPInvokeErrorMessage(e.NativeErrorCode) : null;
        return string.IsNullOrWhiteSpace(reason) ? e.Message : reason;
    }
}
