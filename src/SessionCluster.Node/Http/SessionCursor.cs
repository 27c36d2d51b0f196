using System.Buffers.Text;
using System.Globalization;
using System.Text;
using SessionCluster.Actors.Directory;

namespace SessionCluster.Node.Http;

/// <summary>
/// The opaque <c>cursor</c> of GET /api/sessions: base64url of "&lt;UTC ticks of createdAt&gt;:&lt;id&gt;" of the
/// last session of the page before. Opaque to clients, so its shape may change.
/// </summary>
public static class SessionCursor
{
    public static string Encode(ListPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            position.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + ":" + position.Id));

    public static ListPosition? Decode(string cursor)
    {
        if (cursor.Length is 0 or > 200 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }

        var colon = text.IndexOf(':');
        if (colon <= 0
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !SessionIds.IsWellFormed(text[(colon + 1)..]))
        {
            return null;
        }

        return new ListPosition(new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..]);
    }
}
