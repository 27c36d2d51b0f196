using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>One attempt to hand a notification to one channel.</summary>
/// <param name="Id">The notification's stable id (<see cref="Notification.IdOf"/>): receivers drop repeats by it.</param>
/// <param name="Attempt">1 for the first try on this channel.</param>
/// <param name="Fallback">Set when this is the system channel standing in for the notification's own channel.</param>
public sealed record NotificationDelivery(string Id, Notification Notification, int Attempt, FallbackReason? Fallback);

/// <summary>Why the notification is on the system channel: its own channel, and that channel's last error.</summary>
public sealed record FallbackReason(string FromChannel, string Error);
