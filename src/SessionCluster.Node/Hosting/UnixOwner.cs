using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace SessionCluster.Node.Hosting;

/// <summary>Who owns a file, and who this process runs as: .NET exposes a file's mode but not its owner.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class UnixOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;

    // struct statx has one layout on every architecture (unlike struct stat): stx_uid is the u32 at offset 20.
    private const int StatxSize = 256;
    private const int StatxUidOffset = 20;

    /// <summary>The effective uid of this process.</summary>
    public static uint CurrentUser => geteuid();

    /// <summary>The uid owning <paramref name="path"/> (the link itself, for a symbolic link).</summary>
    public static uint Of(string path)
    {
        var buffer = new byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) != 0)
        {
            throw new IOException($"cannot read the owner of {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(StatxUidOffset));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
