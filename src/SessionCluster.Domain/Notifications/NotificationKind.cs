namespace SessionCluster.Domain.Notifications;

/// <summary>What a notification tells a person. Wire names (payload <c>kind</c>, HOCON) are kebab-case: <see cref="NotificationKinds"/>.</summary>
public enum NotificationKind
{
    /// <summary>The session waits for an answer (a question, or its next turn); debounced per session.</summary>
    WaitingForInput,

    /// <summary>The agent asks to use a tool; never debounced away.</summary>
    PermissionRequest,

    /// <summary>Only when configured.</summary>
    Launched,

    /// <summary>Only when configured.</summary>
    Responded,

    /// <summary>Only when configured.</summary>
    TurnCompleted,

    Completed,
    Failed,
    Interrupted,
    Killed,

    /// <summary>A failure of kind node-lost: the node that ran the agent is gone.</summary>
    NodeLost,

    /// <summary>Sent by <c>sessionctl notify test</c>; no session behind it.</summary>
    Test,
}
