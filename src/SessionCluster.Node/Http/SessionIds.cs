using System.Text.RegularExpressions;

namespace SessionCluster.Node.Http;

/// <summary>Session ids: what the node makes, and which ids in a URL can name a session at all.</summary>
public static partial class SessionIds
{
    public static string New() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Letters, digits, '.', '_' and '-', at most 64, not starting with '.': every id the node makes, and nothing
    /// that could reach a shard as an odd actor name or a huge persistence id.
    /// </summary>
    public static bool IsWellFormed(string id) => WellFormed().IsMatch(id);

    /// <summary>404 for an id that cannot name a session; null for one worth asking about.</summary>
    public static IResult? Check(string id) =>
        IsWellFormed(id) ? null : Problems.NotFound($"no session {FieldText.Quote(id)}: not a session id");

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex WellFormed();
}
