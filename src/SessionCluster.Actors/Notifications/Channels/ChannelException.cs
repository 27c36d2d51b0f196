namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>A delivery a channel could not make, with a message fit to show as the delivery's error (no stack trace, no secret).</summary>
public sealed class ChannelException(string message, Exception? inner = null) : Exception(message, inner);
