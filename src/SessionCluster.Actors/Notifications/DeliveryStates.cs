namespace SessionCluster.Actors.Notifications;

/// <summary>The stable wire names of <see cref="DeliveryState"/> (HTTP, CLI, the notification store).</summary>
public static class DeliveryStates
{
    public static string ToWire(this DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.Delivered => "delivered",
        DeliveryState.FallbackDelivered => "fallback-delivered",
        DeliveryState.FailedRetrying => "failed-retrying",
        DeliveryState.Debounced => "debounced",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static DeliveryState? FromWire(string name) =>
        Enum.GetValues<DeliveryState>().Select(s => (DeliveryState?)s).FirstOrDefault(s => s!.Value.ToWire() == name);

    /// <summary>Nothing more will be done for it: delivered (on either channel) or debounced away.</summary>
    public static bool IsSettled(this DeliveryState state) =>
        state is DeliveryState.Delivered or DeliveryState.FallbackDelivered or DeliveryState.Debounced;
}
