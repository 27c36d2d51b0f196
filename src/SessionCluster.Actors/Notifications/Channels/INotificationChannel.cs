namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// A destination notifications are delivered to. One instance per configured channel, owned by its
/// <c>ChannelActor</c>; it may keep resources (an HttpClient, an open file) and is disposed with the actor.
/// </summary>
public interface INotificationChannel : IDisposable
{
    /// <summary>Delivers or throws: any exception (or the token's cancellation at the channel's timeout) is a failed attempt, its message the error shown.</summary>
    Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation);
}
