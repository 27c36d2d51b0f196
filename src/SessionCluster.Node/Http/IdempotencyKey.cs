using System.Security.Cryptography;
using System.Text;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>
/// The Idempotency-Key of a launch or resume. There is no key store: the new session's id is derived from
/// the key, so a retry reaches the session the first request made (the entity says it already exists).
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The request's key (null without one), or a 400 for a malformed one.</summary>
    public static (string? Key, IResult? Problem) Read(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Api.IdempotencyKeyHeader, out var values))
        {
            return (null, null);
        }

        if (values.Count != 1)
        {
            return (null, Problems.BadRequest($"send one {Api.IdempotencyKeyHeader} header, not {values.Count}"));
        }

        var key = values[0] ?? string.Empty;
        return IsValid(key)
            ? (key, null)
            : (null, Problems.BadRequest(
                $"{Api.IdempotencyKeyHeader} must be 1 to {ApiLimits.MaxIdempotencyKeyChars} printable ASCII characters"));
    }

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= ApiLimits.MaxIdempotencyKeyChars && key.All(c => c is >= ' ' and <= '~');

    /// <summary>The id of the session a launch with this key makes.</summary>
    public static string LaunchId(string key) => Derive("launch\n" + key);

    /// <summary>The id of the session a resume of <paramref name="fromId"/> with this key makes.</summary>
    public static string ResumeId(string fromId, string key) => Derive("resume\n" + fromId + "\n" + key);

    // 12 hex characters, the same shape as a random session id.
    private static string Derive(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
