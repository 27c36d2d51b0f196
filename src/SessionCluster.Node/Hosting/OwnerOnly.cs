namespace SessionCluster.Node.Hosting;

/// <summary>Files and folders only their owner may read: everything the node keeps in its data directory.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class OwnerOnly
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Creates <paramref name="path"/> with mode 0600 from the start (never readable by others, even for a moment).</summary>
    /// <exception cref="IOException">The file exists already.</exception>
    public static void CreateFile(string path, string content)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = FileMode,
        });
        stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Creates the folder (and any missing parent) 0700; an existing one keeps its mode.</summary>
    public static void CreateDirectory(string path) => Directory.CreateDirectory(path, DirectoryMode);

    /// <summary>Takes group and other permissions off an existing file (one an older version created 0644).</summary>
    public static void Tighten(string path)
    {
        if (File.Exists(path) && GrantsGroupOrOther(File.GetUnixFileMode(path)))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~GroupOrOther);
        }
    }

    public static bool GrantsGroupOrOther(UnixFileMode mode) => (mode & GroupOrOther) != 0;

    public static bool GroupOrOtherCanWrite(UnixFileMode mode) => (mode & GroupOrOtherWrite) != 0;

    /// <summary>The permission bits as chmod takes them, e.g. "0755".</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
