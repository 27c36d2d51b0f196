using Akka.Event;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>Builds the channel a <see cref="ChannelSettings"/> describes. Throws (a <see cref="ChannelException"/>) when it is misconfigured.</summary>
public static class ChannelFactory
{
    /// <param name="name">The channel's configured name (shown by the log channel).</param>
    /// <param name="dataDirectory">The node's data directory: relative file paths are under it, commands run in it.</param>
    /// <param name="log">The channel actor's log: where the log channel writes.</param>
    public static INotificationChannel Create(string name, ChannelSettings settings, string dataDirectory, ILoggingAdapter log) => settings switch
    {
        WebhookChannelSettings webhook => new HttpChannel(webhook),
        SlackChannelSettings slack => new HttpChannel(slack),
        FileChannelSettings file => new FileChannel(file, dataDirectory),
        LogChannelSettings => new LogChannel(name, log),
        CommandChannelSettings command => new CommandChannel(command, dataDirectory),
        _ => throw new ChannelException($"channel {name}: no channel of type '{settings.Type}'"),
    };
}
