using System.Collections.Immutable;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>One configured channel (sessioncluster.notifications.channels.&lt;name&gt;), by its <c>type</c>.</summary>
/// <param name="Timeout">A delivery not done within this long has failed (the channel is abandoned for that attempt).</param>
public abstract record ChannelSettings(TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The <c>type</c> key's value.</summary>
    public abstract string Type { get; }
}

/// <summary>HTTP POST of the JSON payload. With a secret, an HMAC-SHA256 signature over the timestamp and the body.</summary>
public sealed record WebhookChannelSettings(Uri Url, string? Secret, TimeSpan Timeout) : ChannelSettings(Timeout)
{
    public override string Type => "webhook";
}

/// <summary>A Slack-style incoming webhook: POST of <c>{"text": ...}</c>.</summary>
public sealed record SlackChannelSettings(Uri Url, TimeSpan Timeout) : ChannelSettings(Timeout)
{
    public override string Type => "slack";
}

/// <summary>Appends the JSON payload as one line to a file (relative paths are under the node's data dir).</summary>
public sealed record FileChannelSettings(string Path, TimeSpan Timeout) : ChannelSettings(Timeout)
{
    public override string Type => "file";
}

/// <summary>One structured Serilog event per notification.</summary>
public sealed record LogChannelSettings() : ChannelSettings(DefaultTimeout)
{
    public override string Type => "log";
}

/// <summary>Runs <paramref name="Executable"/> with <paramref name="Args"/> (no shell) and the JSON payload on stdin; exit 0 is delivered.</summary>
public sealed record CommandChannelSettings(string Executable, ImmutableList<string> Args, TimeSpan Timeout) : ChannelSettings(Timeout)
{
    public override string Type => "command";
}
