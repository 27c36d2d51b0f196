namespace SessionCluster.Cli;

/// <summary>The exit codes of sessionctl (docs/CLI.md lists them too).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The node answered with an error (a 4xx/5xx problem) or with something sessionctl cannot read.</summary>
    public const int ApiError = 1;

    /// <summary>Bad arguments or local setup: unknown option, bad KEY=VALUE, missing prompt file, bad URL, unreadable token file.</summary>
    public const int Usage = 2;

    /// <summary>The node could not be reached: connection refused, name not resolved, no answer in time.</summary>
    public const int Unreachable = 3;

    /// <summary><c>wait</c>: the timeout passed before the session reached one of the statuses.</summary>
    public const int WaitTimedOut = 4;

    /// <summary><c>wait</c>: the session ended (completed, failed, killed, interrupted) in a status not waited for.</summary>
    public const int WaitEndedOtherwise = 5;

    /// <summary><c>notify test</c>: the channel did not take the test notification (its error is printed).</summary>
    public const int NotDelivered = 6;

    /// <summary>Ctrl+C.</summary>
    public const int Cancelled = 130;
}
