namespace SessionCluster.Agents;

/// <summary>How a process ended: an exit code, or the signal that ended it (never both).</summary>
public sealed record ProcessExitStatus(int? ExitCode, int? Signal)
{
    private const int HighestSignal = 64;

    /// <summary>
    /// Reads .NET's exit code. On Unix .NET reports a death by signal n as 128 + n, the shell's convention, and
    /// cannot tell it apart from a program that called exit(128 + n) itself. Both are reported as signal n: a
    /// program that exits 128 + n by convention is saying it was ended by that signal (Claude, for one, exits
    /// 143 on SIGTERM).
    /// </summary>
    public static ProcessExitStatus FromExitCode(int exitCode) =>
        exitCode is > 128 and <= 128 + HighestSignal
            ? new ProcessExitStatus(null, exitCode - 128)
            : new ProcessExitStatus(exitCode, null);
}
