using System.Text;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>Appends each delivery's JSON payload as one line (JSON Lines) to a file, flushed to the OS before it counts as delivered.</summary>
/// <remarks>
/// The file is opened for each line and closed again: a log rotator may move or delete it at any time, and the next line
/// starts a new file. Lines are written whole, one at a time (never cut by a timeout), so every line is one payload.
/// New files and directories are private to the node's user, like the rest of the data directory.
/// </remarks>
public sealed class FileChannel : INotificationChannel
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private readonly SemaphoreSlim oneLineAtATime = new(1, 1);

    /// <param name="dataDirectory">The node's data directory: a relative <see cref="FileChannelSettings.Path"/> is under it.</param>
    public FileChannel(FileChannelSettings settings, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(settings.Path))
        {
            throw new ChannelException("the file channel has no path");
        }

        FullPath = Path.GetFullPath(settings.Path, Path.GetFullPath(dataDirectory));
        var parent = Path.GetDirectoryName(FullPath)!;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(parent);
        }
        else
        {
            System.IO.Directory.CreateDirectory(parent, OwnerOnlyDirectory);
        }
    }

    /// <summary>The file written to.</summary>
    public string FullPath { get; }

    public async Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation)
    {
        var line = Utf8.GetBytes(NotificationPayload.Json(delivery) + "\n");
        await oneLineAtATime.WaitAsync(cancellation);
        try
        {
            await using var file = new FileStream(FullPath, AppendOptions());
            await file.WriteAsync(line, CancellationToken.None);
            await file.FlushAsync(CancellationToken.None);
        }
        finally
        {
            oneLineAtATime.Release();
        }
    }

    public void Dispose() => oneLineAtATime.Dispose();

    private static FileStreamOptions AppendOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }
}
