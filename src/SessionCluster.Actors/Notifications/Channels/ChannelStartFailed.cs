namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// Published on the event stream when a channel actor cannot create its channel (misconfigured, or its factory throws),
/// just before it fails and its supervisor restarts it with backoff: the one way to learn why a channel is down, since
/// deliveries sent to it meanwhile get no answer.
/// </summary>
public sealed record ChannelStartFailed(string Channel, string Error);
