namespace SessionCluster.Cli;

/// <summary>Ends a run with a one-line message on stderr and the given exit code.</summary>
public sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliFailure Usage(string message) => new(ExitCodes.Usage, message);
}
