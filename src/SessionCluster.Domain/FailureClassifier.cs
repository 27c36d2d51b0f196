namespace SessionCluster.Domain;

/// <summary>Turns what was seen of a failed agent into an <see cref="ErrorContext"/> with a recovery suggestion.</summary>
public static class FailureClassifier
{
    public static ErrorContext Classify(SessionState session, AgentExit exit)
    {
        var kind = exit.ObservedFailure ?? (
            exit.Signal is not null ? ErrorKind.CrashBySignal :
            exit.ExitCode is not (0 or null) ? ErrorKind.NonZeroExit :
            ErrorKind.NoResult);
        var message = exit.ObservedFailureMessage ?? kind switch
        {
            ErrorKind.CrashBySignal => $"{session.Agent} was killed by signal {exit.Signal}",
            ErrorKind.NonZeroExit => $"{session.Agent} exited with code {exit.ExitCode}",
            _ => $"{session.Agent} exited (code {exit.ExitCode?.ToString() ?? "none"}) before it finished its turn",
        };
        return new ErrorContext(
            kind,
            message,
            exit.ExitCode,
            exit.Signal,
            Tail.Of(exit.StderrTail, ErrorContext.StderrTailChars),
            Tail.Of(exit.OutputTail, ErrorContext.OutputTailChars),
            RecoveryHints.For(kind, session));
    }

    public static ErrorContext LaunchFailure(SessionState session, ErrorKind kind, string message, string? node = null) =>
        new(kind, message, null, null, string.Empty, string.Empty, RecoveryHints.For(kind, session, node));

    /// <param name="resumedAs">The session the cluster resumes it as (auto-resume); null when it does not.</param>
    public static ErrorContext NodeLost(SessionState session, string node, string? resumedAs = null) => new(
        ErrorKind.NodeLost,
        $"node {node} was lost while the session was {session.Status.ToWire()}",
        null,
        null,
        string.Empty,
        string.Empty,
        resumedAs is null
            ? RecoveryHints.For(ErrorKind.NodeLost, session, node)
            : RecoveryHints.AutoResumed(session, node, resumedAs));
}
