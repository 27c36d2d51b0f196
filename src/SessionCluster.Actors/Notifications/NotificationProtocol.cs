using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Actors.Serialization;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications;

// The notifier's messages. The notifier is a cluster singleton: what entities, the HTTP routes and retention send it,
// and its replies, may cross nodes (ISessionClusterMessage, manifests in SessionMessageSerializer). What it says to its
// channel actors, its own children, stays on its node.

/// <summary>
/// The fast path: a session entity persisted <see cref="Domain.NotificationRaised"/> as event <paramref name="Id"/> and
/// tells the notifier (through the node's singleton proxy) at once. The durable path is the notifier's own read of the journal, which finds the same
/// id again (after a crash, say): a notification already known is not delivered twice.
/// </summary>
public sealed record NotificationPersisted(string Id, Notification Notification) : ISessionClusterMessage;

/// <summary>Notifier to channel actor: try this delivery once. Answered with <see cref="ChannelDelivered"/> or <see cref="ChannelDeliveryFailed"/>.</summary>
public sealed record DeliverToChannel(NotificationDelivery Delivery);

public sealed record ChannelDelivered(string Channel, string Id, int Attempt);

public sealed record ChannelDeliveryFailed(string Channel, string Id, int Attempt, string Error);

/// <summary>Answered with <see cref="ChannelHealthReport"/>.</summary>
public sealed record GetChannelHealth : ISessionClusterMessage
{
    public static readonly GetChannelHealth Instance = new();
}

public sealed record ChannelHealthReport(IReadOnlyList<ChannelHealth> Channels) : ISessionClusterMessage;

/// <param name="Pending">Notifications whose delivery to this channel is not done yet.</param>
/// <param name="LastError">The last failure's error (why it failed, or why the channel could not start).</param>
public sealed record ChannelHealth(
    string Name,
    string Type,
    bool IsSystem,
    bool IsDefault,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastFailure,
    string? LastError,
    int Pending,
    long Delivered,
    long Failed);

/// <summary>The newest notifications first, of one session or of all; answered with <see cref="NotificationList"/>.</summary>
public sealed record ListNotifications(string? SessionId, int Limit) : ISessionClusterMessage;

public sealed record NotificationList(IReadOnlyList<NotificationRecord> Notifications) : ISessionClusterMessage;

/// <summary>Where one notification is: the channel it went (or goes) to, and how that went.</summary>
/// <param name="Channel">The channel it is (or was last) delivered to: its own, or the system channel after a fallback.</param>
/// <param name="LastError">The last failed attempt's error, on any channel.</param>
public sealed record NotificationRecord(
    string Id,
    string SessionId,
    NotificationKind Kind,
    string Channel,
    DeliveryState State,
    int Attempts,
    string? LastError,
    DateTimeOffset RaisedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>Sends a test notification to <paramref name="Channel"/> through the same actor and retries as any other; answered with <see cref="TestNotificationResult"/> once delivered or given up.</summary>
public sealed record SendTestNotification(string Channel) : ISessionClusterMessage;

/// <param name="Error">Why it was not delivered (unknown channel, or the channel's error); null when delivered.</param>
public sealed record TestNotificationResult(string Channel, string Id, bool Delivered, string? Error) : ISessionClusterMessage;

/// <summary>Retention pruned these sessions: what the notifier keeps of their notifications goes too.</summary>
public sealed record ForgetNotifications(IReadOnlyCollection<string> SessionIds) : ISessionClusterMessage;
