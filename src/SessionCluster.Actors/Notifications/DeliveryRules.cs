using SessionCluster.Actors.Notifications.Channels;

namespace SessionCluster.Actors.Notifications;

/// <summary>Where one unsettled notification's next delivery goes: its channel, which attempt on it, and why it is there.</summary>
/// <param name="Channel">The channel it goes to next: its own, or the system channel after a fallback.</param>
/// <param name="Attempt">1 for the first try on <paramref name="Channel"/>.</param>
/// <param name="Fallback">Set once it is on the system channel standing in for its own.</param>
public sealed record DeliveryAttempt(string Channel, int Attempt, FallbackReason? Fallback)
{
    public bool IsFallback => Fallback is not null;
}

/// <summary>What follows a failed attempt: the next attempt, after <paramref name="Delay"/>.</summary>
public sealed record DeliveryRetryStep(DeliveryAttempt Next, TimeSpan Delay);

/// <summary>
/// The retry and fallback rules, pure: a failed attempt is tried again on its own channel with exponential backoff
/// until <see cref="DeliveryRetry.Attempts"/> are used, then it moves to the system channel with why; there (and on a
/// notification whose own channel is the system channel) it is retried for ever, never dropped.
/// </summary>
public static class DeliveryRules
{
    public static DeliveryAttempt First(string channel) => new(channel, 1, null);

    public static DeliveryRetryStep AfterFailure(DeliveryAttempt failed, string error, DeliveryRetry retry, string systemChannel)
    {
        var onSystem = failed.IsFallback || failed.Channel == systemChannel;
        if (!onSystem && failed.Attempt >= retry.Attempts)
        {
            return new DeliveryRetryStep(new DeliveryAttempt(systemChannel, 1, new FallbackReason(failed.Channel, error)), TimeSpan.Zero);
        }

        return new DeliveryRetryStep(failed with { Attempt = failed.Attempt + 1 }, Backoff(failed.Attempt, retry));
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: MinBackoff doubled per attempt, at most MaxBackoff.</summary>
    public static TimeSpan Backoff(int attempt, DeliveryRetry retry)
    {
        var doublings = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ticks = retry.MinBackoff.Ticks * (double)(1L << doublings);
        return ticks >= retry.MaxBackoff.Ticks ? retry.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The state a settled or retried notification shows.</summary>
    public static DeliveryState Delivered(DeliveryAttempt attempt) =>
        attempt.IsFallback ? DeliveryState.FallbackDelivered : DeliveryState.Delivered;
}
