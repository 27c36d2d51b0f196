namespace SessionCluster.Domain;

/// <summary>Everything a person needs to understand and recover from a failed session.</summary>
public sealed record ErrorContext(
    ErrorKind Kind,
    string Message,
    int? ExitCode,
    int? Signal,
    string StderrTail,
    string OutputTail,
    string Suggestion)
{
    public const int StderrTailChars = 2000;
    public const int OutputTailChars = 500;
}
