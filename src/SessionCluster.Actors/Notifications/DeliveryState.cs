namespace SessionCluster.Actors.Notifications;

/// <summary>Where a notification's delivery is; wire names are kebab-case (pending, delivered, fallback-delivered, failed-retrying, debounced).</summary>
public enum DeliveryState
{
    /// <summary>Not yet tried, or held by the waiting debounce.</summary>
    Pending,

    /// <summary>Its own channel took it.</summary>
    Delivered,

    /// <summary>Its own channel kept failing; the system channel took it, with why.</summary>
    FallbackDelivered,

    /// <summary>Failed, and tried again (on its own channel, or on the system channel once that is all that is left).</summary>
    FailedRetrying,

    /// <summary>A waiting-for-input notification replaced within the debounce window by a newer one of the same session (or answered meanwhile).</summary>
    Debounced,
}
