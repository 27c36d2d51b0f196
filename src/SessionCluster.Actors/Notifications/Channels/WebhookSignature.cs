using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// How a webhook delivery is signed, and how a receiver checks it (the scheme Stripe and Slack use).
/// </summary>
/// <remarks>
/// Every delivery carries <see cref="NotificationIdHeader"/> (the payload's <c>id</c>: drop repeats by it). With a
/// secret it also carries <see cref="TimestampHeader"/> (unix seconds when it was sent) and <see cref="SignatureHeader"/>
/// = <c>v1=</c> + the lowercase hex HMAC-SHA256, keyed with the secret's UTF-8 bytes, of the UTF-8 bytes of
/// <c>"&lt;timestamp&gt;.&lt;body&gt;"</c>. A receiver recomputes it over the raw body, compares in constant time, and
/// refuses a timestamp older (or newer) than its tolerance: a captured request cannot be replayed later, and its
/// timestamp cannot be changed without breaking the signature. <see cref="Verify(string, string?, string?, string, DateTimeOffset, TimeSpan)"/>
/// does all of that. A retry is signed anew (a new timestamp), so it passes the same check.
/// </remarks>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-SessionCluster-Timestamp";
    public const string SignatureHeader = "X-SessionCluster-Signature";
    public const string NotificationIdHeader = "X-SessionCluster-Notification-Id";

    /// <summary>The signature's scheme prefix; raised if the scheme ever changes, so receivers can accept both meanwhile.</summary>
    public const string Version = "v1";

    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The <see cref="SignatureHeader"/> value: <c>v1=&lt;hex&gt;</c>.</summary>
    public static string Sign(string secret, long timestamp, string body) => $"{Version}={Hex(secret, timestamp.ToString(CultureInfo.InvariantCulture), body)}";

    /// <summary>The headers a delivery of <paramref name="body"/> carries (signed when <paramref name="secret"/> is set), sent at <paramref name="now"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string notificationId, string? secret, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return [new(NotificationIdHeader, notificationId)];
        }

        var timestamp = now.ToUnixTimeSeconds();
        return
        [
            new(NotificationIdHeader, notificationId),
            new(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture)),
            new(SignatureHeader, Sign(secret, timestamp, body)),
        ];
    }

    /// <summary>As <see cref="Verify(string, string?, string?, string, DateTimeOffset, TimeSpan)"/> with <see cref="DefaultTolerance"/>.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, string body, DateTimeOffset now) =>
        Verify(secret, timestampHeader, signatureHeader, body, now, DefaultTolerance);

    /// <summary>
    /// True when <paramref name="signatureHeader"/> signs <paramref name="body"/> (the raw request body) at
    /// <paramref name="timestampHeader"/> with <paramref name="secret"/>, and that timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/>. The header may hold several comma-separated
    /// <c>v1=</c> values (a secret being rotated): any one matching is enough.
    /// </summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (age.Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Hex(secret, timestampHeader!, body));
        var matched = false;
        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(Version + "=", StringComparison.Ordinal))
            {
                var given = Encoding.ASCII.GetBytes(part[(Version.Length + 1)..]);
                matched |= CryptographicOperations.FixedTimeEquals(expected, given);
            }
        }

        return matched;
    }

    private static string Hex(string secret, string timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes($"{timestamp}.{body}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
