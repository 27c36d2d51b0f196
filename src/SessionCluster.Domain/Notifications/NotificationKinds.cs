namespace SessionCluster.Domain.Notifications;

/// <summary>The stable wire names of <see cref="NotificationKind"/>, and which kinds are sent unless configured otherwise.</summary>
public static class NotificationKinds
{
    private static readonly Dictionary<NotificationKind, string> Names = new()
    {
        [NotificationKind.WaitingForInput] = "waiting-for-input",
        [NotificationKind.PermissionRequest] = "permission-request",
        [NotificationKind.Launched] = "launched",
        [NotificationKind.Responded] = "responded",
        [NotificationKind.TurnCompleted] = "turn-completed",
        [NotificationKind.Completed] = "completed",
        [NotificationKind.Failed] = "failed",
        [NotificationKind.Interrupted] = "interrupted",
        [NotificationKind.Killed] = "killed",
        [NotificationKind.NodeLost] = "node-lost",
        [NotificationKind.Test] = "test",
    };

    /// <summary>Sent by default; launched, responded and turn-completed only when configured.</summary>
    public static readonly IReadOnlySet<NotificationKind> Default = new HashSet<NotificationKind>
    {
        NotificationKind.WaitingForInput,
        NotificationKind.PermissionRequest,
        NotificationKind.Completed,
        NotificationKind.Failed,
        NotificationKind.Interrupted,
        NotificationKind.Killed,
        NotificationKind.NodeLost,
    };

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string ToWire(this NotificationKind kind) => Names[kind];

    public static NotificationKind? FromWire(string name)
    {
        foreach (var (kind, wire) in Names)
        {
            if (string.Equals(wire, name, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return null;
    }
}
