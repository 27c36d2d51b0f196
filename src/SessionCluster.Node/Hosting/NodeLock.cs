using System.Text;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// <c>&lt;data-dir&gt;/node.lock</c>, locked while the node runs so a second node on the same data directory
/// stops at once. The file holds the holder's pid, readable by anyone who finds it locked.
/// </summary>
/// <remarks>
/// A POSIX record lock (<see cref="FileStream.Lock"/>, fcntl F_SETLK), not <see cref="FileShare.None"/>: .NET
/// emulates share modes with flock, and a flock held exclusively keeps every other .NET process from even reading
/// the pid. The kernel drops the lock when the process dies, SIGKILL included, so a crash leaves no stale lock.
/// A record lock also goes when this process closes <em>any</em> descriptor of the file: the node never opens it
/// a second time.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeLock : IDisposable
{
    public const string FileName = "node.lock";

    private readonly FileStream stream;

    private NodeLock(FileStream stream) => this.stream = stream;

    public static NodeLock Acquire(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = OwnerOnly.FileMode,
        });
        try
        {
            stream.Lock(0, 1);
        }
        catch (IOException)
        {
            var holder = new StreamReader(stream, Encoding.ASCII).ReadToEnd().Trim();
            stream.Dispose();
            throw new InvalidOperationException(holder.Length > 0
                ? $"data directory {dataDir} is in use by node process {holder}"
                : $"data directory {dataDir} is in use by another node process");
        }

        stream.SetLength(0);
        stream.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
        stream.Flush(flushToDisk: true);
        return new NodeLock(stream);
    }

    public void Dispose() => stream.Dispose();
}
