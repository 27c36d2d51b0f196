namespace SessionCluster.Contracts;

/// <summary>GET /api/notifications/channels: one configured channel and how its deliveries went since the cluster's notifier (a singleton) last started.</summary>
/// <param name="Pending">Notifications whose delivery to this channel is not done yet.</param>
public sealed record ChannelHealthDto(
    string Name,
    string Type,
    bool System,
    bool Default,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastFailure,
    string? LastError,
    int Pending,
    long Delivered,
    long Failed);

/// <summary>GET /api/notifications: one notification and its delivery state (pending, delivered, fallback-delivered, failed-retrying, debounced).</summary>
public sealed record NotificationDto(
    string Id,
    string SessionId,
    string Kind,
    string Channel,
    string State,
    int Attempts,
    string? LastError,
    DateTimeOffset RaisedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>POST /api/notifications/test</summary>
public sealed record TestNotificationRequest
{
    public string? Channel { get; init; }
}

/// <summary>The test notification's outcome: delivered, or why not.</summary>
public sealed record TestNotificationDto(string Channel, string Id, bool Delivered, string? Error);
