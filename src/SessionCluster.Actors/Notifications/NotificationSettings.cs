using System.Collections.Immutable;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications;

/// <summary>sessioncluster.notifications: the channels, which one is the system's and which the default, and how hard to try.</summary>
/// <param name="SystemChannel">Where a notification goes when its own channel keeps failing (and the node's own notices).</param>
/// <param name="DefaultChannel">The channel of a session that named none at launch.</param>
/// <param name="DebounceWaiting">A waiting-for-input notification is held this long; one raised meanwhile by the same session replaces it.</param>
/// <param name="Kinds">The kinds sent (<see cref="NotificationKinds.Default"/> unless configured).</param>
/// <param name="Retry">How a failed delivery is tried again.</param>
public sealed record NotificationSettings(
    string SystemChannel,
    string DefaultChannel,
    TimeSpan DebounceWaiting,
    IReadOnlySet<NotificationKind> Kinds,
    DeliveryRetry Retry,
    ImmutableSortedDictionary<string, ChannelSettings> Channels)
{
    public static readonly NotificationSettings Default = new(
        "log",
        "log",
        TimeSpan.FromSeconds(5),
        NotificationKinds.Default,
        DeliveryRetry.Default,
        ImmutableSortedDictionary<string, ChannelSettings>.Empty.Add("log", new LogChannelSettings()));
}

/// <summary>
/// A delivery that fails (error, timeout, non-2xx) is tried <paramref name="Attempts"/> times on its own channel, the
/// waits doubling from <paramref name="MinBackoff"/> up to <paramref name="MaxBackoff"/>; then it goes to the system
/// channel, and while that fails too it is tried there again every <paramref name="MaxBackoff"/> at most, for ever.
/// </summary>
public sealed record DeliveryRetry(int Attempts, TimeSpan MinBackoff, TimeSpan MaxBackoff)
{
    public static readonly DeliveryRetry Default = new(4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
}
