namespace SessionCluster.Actors.Sessions;

/// <param name="SnapshotEvery">Save a snapshot after every this many events.</param>
/// <param name="PassivateWhenFinishedAfter">A finished session leaves memory after this long without messages.</param>
/// <param name="AskAgentHostAgainAfter">How often a session repeats what it still needs of its agent host (start, stop, a permission answer).</param>
/// <param name="PermissionTimeout">A permission request nobody answers within this long is denied, so no session waits forever.</param>
public sealed record SessionEntitySettings(
    int SnapshotEvery,
    TimeSpan PassivateWhenFinishedAfter,
    TimeSpan AskAgentHostAgainAfter,
    TimeSpan? PermissionTimeout = null)
{
    public static readonly TimeSpan DefaultPermissionTimeout = TimeSpan.FromMinutes(30);

    public static readonly SessionEntitySettings Default = new(100, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5), DefaultPermissionTimeout);

    /// <summary>The notification kinds the session raises (sessioncluster.notifications.kinds).</summary>
    public IReadOnlySet<Domain.Notifications.NotificationKind> NotificationKinds { get; init; } = Domain.Notifications.NotificationKinds.Default;

    /// <summary>How long a launch waits for its placement on an agent host before it is refused (503, try again).</summary>
    public TimeSpan PlaceWithin { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>How many messages a launch being placed keeps for after it; commands beyond are refused (503), so the stash stays bounded.</summary>
    public int StashWhilePlacing { get; init; } = 1000;

    /// <summary><see cref="PermissionTimeout"/>, or the default of 30 minutes.</summary>
    public TimeSpan PermissionTimeoutOrDefault => PermissionTimeout ?? DefaultPermissionTimeout;
}
