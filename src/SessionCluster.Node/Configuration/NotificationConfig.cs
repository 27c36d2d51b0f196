using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Akka.Configuration;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Node.Configuration;

/// <summary>
/// sessioncluster.notifications into <see cref="NotificationSettings"/>. Anything wrong (an unknown type, a missing url,
/// a system or default channel that is not configured, an unknown kind) is a <see cref="FormatException"/> naming the
/// key: the node stops with exit 2 and one line, instead of losing notifications later.
/// </summary>
public static partial class NotificationConfig
{
    private const string Root = "sessioncluster.notifications";

    public static readonly IReadOnlyList<string> ChannelTypes = ["webhook", "slack", "file", "log", "command"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ChannelName();

    /// <param name="n">The <c>notifications</c> block (null or empty: the defaults).</param>
    public static NotificationSettings Parse(Config? n)
    {
        var defaults = NotificationSettings.Default;
        if (n is null || n.IsEmpty)
        {
            return defaults;
        }

        var channels = n.HasPath("channels") ? Channels(n.GetConfig("channels")) : defaults.Channels;
        var system = n.HasPath("system-channel") ? n.GetString("system-channel") : defaults.SystemChannel;
        var fallbackDefault = n.HasPath("default-channel") ? n.GetString("default-channel") : system;
        foreach (var (key, name) in new[] { ("system-channel", system), ("default-channel", fallbackDefault) })
        {
            if (!channels.ContainsKey(name))
            {
                throw new FormatException(
                    $"{Root}.{key} is \"{name}\", which is not a configured channel; the channels are: {string.Join(", ", channels.Keys)}");
            }
        }

        var debounce = Duration(n, "debounce-waiting", defaults.DebounceWaiting, allowZero: true);
        var retry = new DeliveryRetry(
            n.HasPath("retry.attempts") ? n.GetInt("retry.attempts") : defaults.Retry.Attempts,
            Duration(n, "retry.min-backoff", defaults.Retry.MinBackoff, allowZero: false),
            Duration(n, "retry.max-backoff", defaults.Retry.MaxBackoff, allowZero: false));
        if (retry.Attempts < 1)
        {
            throw new FormatException($"{Root}.retry.attempts is {retry.Attempts}; it must be at least 1");
        }

        if (retry.MaxBackoff < retry.MinBackoff)
        {
            throw new FormatException($"{Root}.retry.max-backoff must not be below retry.min-backoff");
        }

        return new NotificationSettings(system, fallbackDefault, debounce, Kinds(n) ?? defaults.Kinds, retry, channels);
    }

    private static IReadOnlySet<NotificationKind>? Kinds(Config n)
    {
        if (!n.HasPath("kinds"))
        {
            return null;
        }

        var kinds = new HashSet<NotificationKind>();
        foreach (var name in n.GetStringList("kinds"))
        {
            kinds.Add(NotificationKinds.FromWire(name) is { } kind && kind != NotificationKind.Test
                ? kind
                : throw new FormatException(
                    $"{Root}.kinds has \"{name}\"; the kinds are: {string.Join(", ", NotificationKinds.All.Where(k => k != "test"))}"));
        }

        return kinds;
    }

    private static ImmutableSortedDictionary<string, ChannelSettings> Channels(Config block)
    {
        var channels = ImmutableSortedDictionary.CreateBuilder<string, ChannelSettings>(StringComparer.Ordinal);
        foreach (var (name, value) in block.Root.GetObject().Items)
        {
            var key = $"{Root}.channels.{name}";
            if (!ChannelName().IsMatch(name))
            {
                throw new FormatException($"{key}: a channel name is letters, digits, '-' and '_' (at most 64)");
            }

            if (!value.IsObject())
            {
                throw new FormatException($"{key} must be an object with a type ({string.Join(", ", ChannelTypes)})");
            }

            channels[name] = Channel(key, block.GetConfig(name));
        }

        return channels.Count > 0 ? channels.ToImmutable() : throw new FormatException($"{Root}.channels is empty; configure at least the system channel");
    }

    private static ChannelSettings Channel(string key, Config c)
    {
        var type = c.HasPath("type") ? c.GetString("type") : null;
        var timeout = Duration(c, "timeout", ChannelSettings.DefaultTimeout, allowZero: false, key);
        return type switch
        {
            "webhook" => new WebhookChannelSettings(Url(key, c), Optional(c, "secret"), timeout),
            "slack" => new SlackChannelSettings(Url(key, c), timeout),
            "file" => new FileChannelSettings(Required(key, c, "path"), timeout),
            "log" => new LogChannelSettings(),
            "command" => new CommandChannelSettings(
                Required(key, c, "executable"),
                c.HasPath("args") ? c.GetStringList("args").ToImmutableList() : ImmutableList<string>.Empty,
                timeout),
            null => throw new FormatException($"{key}.type is missing; it must be one of {string.Join(", ", ChannelTypes)}"),
            _ => throw new FormatException($"{key}.type is \"{type}\"; it must be one of {string.Join(", ", ChannelTypes)}"),
        };
    }

    private static Uri Url(string key, Config c)
    {
        var text = Required(key, c, "url");
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new FormatException($"{key}.url is \"{text}\"; it must be an absolute http:// or https:// URL");
    }

    private static string Required(string key, Config c, string path) =>
        Optional(c, path) ?? throw new FormatException($"{key}.{path} is missing");

    private static string? Optional(Config c, string path) =>
        c.HasPath(path) && c.GetString(path) is { Length: > 0 } value ? value : null;

    private static TimeSpan Duration(Config c, string path, TimeSpan fallback, bool allowZero, string key = Root)
    {
        if (!c.HasPath(path))
        {
            return fallback;
        }

        var text = c.GetString(path);
        TimeSpan value;
        try
        {
            value = c.GetTimeSpan(path);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or Akka.Configuration.ConfigurationException)
        {
            throw new FormatException(text.TrimStart().StartsWith('-')
                ? $"{key}.{path} is {text}; it must be {(allowZero ? "0 or more" : "more than 0")}"
                : $"{key}.{path} is \"{text}\"; it must be a duration such as 5s or 500ms");
        }

        return value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero)
            ? throw new FormatException($"{key}.{path} is {text}; it must be {(allowZero ? "0 or more" : "more than 0")}")
            : value;
    }
}
