namespace SessionCluster.Domain;

/// <summary>
/// The kebab-case names statuses, waiting reasons and error kinds have on the wire
/// (HTTP, CLI, HOCON, journal). Stable: renaming a member must not rename its wire name.
/// </summary>
public static class WireNames
{
    private static readonly Dictionary<SessionStatus, string> Statuses = new()
    {
        [SessionStatus.Starting] = "starting",
        [SessionStatus.Running] = "running",
        [SessionStatus.WaitingForInput] = "waiting-for-input",
        [SessionStatus.Completed] = "completed",
        [SessionStatus.Failed] = "failed",
        [SessionStatus.Killed] = "killed",
        [SessionStatus.Interrupted] = "interrupted",
    };

    private static readonly Dictionary<WaitingReason, string> WaitingReasons = new()
    {
        [WaitingReason.None] = "none",
        [WaitingReason.NextTurn] = "next-turn",
        [WaitingReason.Question] = "question",
        [WaitingReason.Permission] = "permission",
    };

    private static readonly Dictionary<PermissionMode, string> PermissionModes = new()
    {
        [PermissionMode.Ask] = "ask",
        [PermissionMode.AcceptEdits] = "accept-edits",
        [PermissionMode.Bypass] = "bypass",
        [PermissionMode.Plan] = "plan",
    };

    private static readonly Dictionary<ErrorKind, string> ErrorKinds = new()
    {
        [ErrorKind.Auth] = "auth",
        [ErrorKind.ModelApiUnreachable] = "model-api-unreachable",
        [ErrorKind.ModelApiError] = "model-api-error",
        [ErrorKind.AgentBinaryMissing] = "agent-binary-missing",
        [ErrorKind.BadWorkdir] = "bad-workdir",
        [ErrorKind.NonZeroExit] = "non-zero-exit",
        [ErrorKind.CrashBySignal] = "crash-by-signal",
        [ErrorKind.NoResult] = "no-result",
        [ErrorKind.AgentError] = "agent-error",
        [ErrorKind.NodeLost] = "node-lost",
    };

    public static IReadOnlyCollection<string> AllStatuses => Statuses.Values;

    public static string ToWire(this SessionStatus status) => Statuses[status];

    public static string ToWire(this WaitingReason reason) => WaitingReasons[reason];

    public static string ToWire(this ErrorKind kind) => ErrorKinds[kind];

    public static string ToWire(this PermissionMode mode) => PermissionModes[mode];

    public static IReadOnlyCollection<string> AllPermissionModes => PermissionModes.Values;

    public static bool TryParseStatus(string? text, out SessionStatus status) => TryParse(Statuses, text, out status);

    public static bool TryParseWaitingReason(string? text, out WaitingReason reason) => TryParse(WaitingReasons, text, out reason);

    /// <summary>Also reads "permission-request", the name the journal format reserved before anything produced it.</summary>
    public static bool TryParseWaitingReason(string? text, out WaitingReason reason, bool legacy)
    {
        if (legacy && string.Equals(text?.Trim(), "permission-request", StringComparison.OrdinalIgnoreCase))
        {
            reason = WaitingReason.Permission;
            return true;
        }

        return TryParseWaitingReason(text, out reason);
    }

    public static bool TryParsePermissionMode(string? text, out PermissionMode mode) => TryParse(PermissionModes, text, out mode);

    public static bool TryParseErrorKind(string? text, out ErrorKind kind) => TryParse(ErrorKinds, text, out kind);

    private static bool TryParse<T>(Dictionary<T, string> names, string? text, out T value) where T : struct, Enum
    {
        foreach (var (key, name) in names)
        {
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = key;
                return true;
            }
        }

        value = default;
        return false;
    }
}
