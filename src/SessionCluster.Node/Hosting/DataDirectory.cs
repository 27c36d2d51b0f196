namespace SessionCluster.Node.Hosting;

/// <summary>
/// The node's data directory, made ready before anything opens a file in it: created 0700, refused when another
/// user could write to it, locked for this node alone, and holding this node's id.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DataDirectory : IDisposable
{
    public const string LogsFolder = "logs";

    private readonly NodeLock nodeLock;

    private DataDirectory(string path, string nodeId, NodeLock nodeLock)
    {
        Path = path;
        NodeId = nodeId;
        this.nodeLock = nodeLock;
    }

    public string Path { get; }

    public string NodeId { get; }

    public string Logs => System.IO.Path.Combine(Path, LogsFolder);

    /// <summary>Prepares <paramref name="path"/>; the lock is held until <see cref="Dispose"/> or the process ends.</summary>
    /// <exception cref="InvalidOperationException">The directory is unsafe or in use; the message says what to do.</exception>
    public static DataDirectory Prepare(string path)
    {
        OwnerOnly.CreateDirectory(path);
        Refuse(path);
        var nodeLock = NodeLock.Acquire(path);
        try
        {
            OwnerOnly.CreateDirectory(System.IO.Path.Combine(path, LogsFolder));
            // Log files of a version that did not restrict them.
            foreach (var log in Directory.EnumerateFiles(System.IO.Path.Combine(path, LogsFolder)))
            {
                OwnerOnly.Tighten(log);
            }

            return new DataDirectory(path, NodeIdFile.LoadOrCreate(path), nodeLock);
        }
        catch
        {
            nodeLock.Dispose();
            throw;
        }
    }

    public void Dispose() => nodeLock.Dispose();

    /// <summary>Anyone else who can write here could swap the journal, the key or the token.</summary>
    private static void Refuse(string path)
    {
        var owner = UnixOwner.Of(path);
        var me = UnixOwner.CurrentUser;
        if (owner != me)
        {
            throw new InvalidOperationException(
                $"data directory {path} belongs to uid {owner}, not to this user (uid {me}); run the node as its owner, or: chown {me} {path}");
        }

        var mode = File.GetUnixFileMode(path);
        if (OwnerOnly.GroupOrOtherCanWrite(mode))
        {
            throw new InvalidOperationException(
                $"data directory {path} is writable by group/others (mode {OwnerOnly.Octal(mode)}); run: chmod 700 {path}");
        }
    }
}
