using Akka.Event;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// One structured log event (info) per delivery, through Akka logging, which the node routes to Serilog: the
/// properties NotificationId, Kind, SessionId, SessionName, Status, Channel, Attempt and Text (and FallbackFrom,
/// FallbackError on a fallback). The default system channel: it cannot be down while the node is up.
/// </summary>
public sealed class LogChannel(string name, ILoggingAdapter log) : INotificationChannel
{
    public Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation)
    {
        var n = delivery.Notification;
        if (delivery.Fallback is { } fallback)
        {
            log.Info(
                "Notification {NotificationId} {Kind} of session {SessionId} ({SessionName}) {Status} on {Channel} (attempt {Attempt}, instead of {FallbackFrom}: {FallbackError}): {Text}",
                [delivery.Id, n.Kind.ToWire(), n.SessionId, n.SessionName, n.Status, name, delivery.Attempt, fallback.FromChannel, fallback.Error, n.Text]);
        }
        else
        {
            log.Info(
                "Notification {NotificationId} {Kind} of session {SessionId} ({SessionName}) {Status} on {Channel} (attempt {Attempt}): {Text}",
                [delivery.Id, n.Kind.ToWire(), n.SessionId, n.SessionName, n.Status, name, delivery.Attempt, n.Text]);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
