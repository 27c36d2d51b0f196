using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// A <see cref="ChannelActor"/> under a backoff supervisor: the notifier talks to the supervisor (which forwards to the
/// channel actor), and a channel that fails, whatever it throws, is stopped and started again after a backoff that
/// doubles from the minimum to the maximum (with up to 20% random added), reset once it has run for the minimum. A
/// broken channel never takes the notifier down.
/// </summary>
/// <remarks>
/// While the channel actor is down (backing off), deliveries sent to the supervisor go to dead letters and are never
/// answered; so do those in flight or queued when it fails. The notifier must keep its own deadline for every
/// <see cref="DeliverToChannel"/> and count a missing answer as a failed attempt. A queued delivery may be answered up
/// to (deliveries ahead of it / <see cref="ChannelActor.MaxInFlight"/> + 1) x the timeout after it was sent.
/// Why a channel could not start is published as <see cref="ChannelStartFailed"/> on the event stream.
/// </remarks>
public static class ChannelSupervision
{
    public const double RandomFactor = 0.2;

    /// <summary>The channel actor's name under its supervisor.</summary>
    public const string ChildName = "channel";

    public static readonly TimeSpan DefaultMinBackoff = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(30);

    public static Props Props(
        string name,
        Func<ILoggingAdapter, INotificationChannel> create,
        TimeSpan timeout,
        TimeSpan? minBackoff = null,
        TimeSpan? maxBackoff = null)
    {
        var min = minBackoff ?? DefaultMinBackoff;
        var options = Backoff.OnFailure(ChannelActor.Props(name, create, timeout), ChildName, min, maxBackoff ?? DefaultMaxBackoff, RandomFactor, -1)
            .WithAutoReset(min)
            // Restart on anything, ActorInitializationException (the channel could not be created) included.
            .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart));
        return BackoffSupervisor.Props(options);
    }
}
