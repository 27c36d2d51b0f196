using System.Runtime.InteropServices;

namespace SessionCluster.Agents;

/// <summary>The libc calls .NET does not offer: send any signal (to a process or a group), ask whether a directory can be entered, who we run as.</summary>
internal static partial class Libc
{
    public const int SigInt = 2;
    public const int SigKill = 9;

    private const int ExecuteOk = 1;

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && kill(pid, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to every process of the group; false when the group has no process.</summary>
    public static bool SendToGroup(int pgid, int signal) => pgid > 1 && kill(-pgid, signal) == 0;

    /// <summary>access(2) with X_OK: whether this process may enter (search) the directory.</summary>
    public static bool CanEnter(string directory) => access(directory, ExecuteOk) == 0;

    /// <summary>Whether this process runs with root's effective user id.</summary>
    public static bool IsRoot() => !OperatingSystem.IsWindows() && geteuid() == 0;

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);
}
