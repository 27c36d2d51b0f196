using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.Serialization;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Domain;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// The value conventions of <c>session_events.proto</c> (times, money, wire names, env, token usage), shared by
/// <see cref="SessionEventSerializer"/> and <see cref="SessionMessageSerializer"/>.
/// </summary>
internal static class WireValues
{
    // Stable names, like WireNames': renaming a member must not rename these.
    private static readonly Dictionary<RejectionCode, string> RejectionCodes = new()
    {
        [RejectionCode.UnknownSession] = "unknown-session",
        [RejectionCode.IllegalTransition] = "illegal-transition",
        [RejectionCode.InvalidInput] = "invalid-input",
        [RejectionCode.AlreadyExists] = "already-exists",
        [RejectionCode.AutoRespondCapReached] = "auto-respond-cap-reached",
        [RejectionCode.Unreadable] = "unreadable",
        [RejectionCode.NoPendingPermission] = "no-pending-permission",
        [RejectionCode.Unavailable] = "unavailable",
    };

    private static readonly Dictionary<StopMode, string> StopModes = new()
    {
        [StopMode.Interrupt] = "interrupt",
        [StopMode.Kill] = "kill",
    };

    public static Timestamp Time(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    /// <summary>The instant to the tick, as UTC (offset +00:00).</summary>
    public static DateTimeOffset Time(Timestamp? at, string field)
    {
        if (at is null)
        {
            throw Missing(field);
        }

        try
        {
            return at.ToDateTimeOffset();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new SerializationException($"{field}: {at} is not a valid timestamp: {e.Message}", e);
        }
    }

    public static string Money(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    public static decimal Money(string text, string field) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new SerializationException($"{field}: '{text}' is not a decimal amount.");

    /// <summary>Ordinal key order, whatever the dictionary's comparer: the bytes depend only on the content.</summary>
    public static void WriteEnv(MapField<string, string> target, IEnumerable<KeyValuePair<string, string>> env)
    {
        foreach (var (key, value) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            target.Add(key, value);
        }
    }

    public static ImmutableSortedDictionary<string, string> ReadEnv(MapField<string, string> env) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, env);

    public static string ToWire(RejectionCode code) =>
        RejectionCodes.TryGetValue(code, out var name)
            ? name
            : throw new ArgumentException($"Rejection code {code} has no wire name.", nameof(code));

    public static RejectionCode RejectionCodeFrom(string text, string field) =>
        Parse(RejectionCodes, text) ?? throw new SerializationException($"{field}: unknown rejection code '{text}'.");

    public static string ToWire(StopMode mode) =>
        StopModes.TryGetValue(mode, out var name) ? name : throw new ArgumentException($"Stop mode {mode} has no wire name.", nameof(mode));

    public static StopMode StopModeFrom(string text, string field) =>
        Parse(StopModes, text) ?? throw new SerializationException($"{field}: unknown stop mode '{text}'.");

    public static WaitingReason WaitingReasonFrom(string text, string field) =>
        WireNames.TryParseWaitingReason(text, out var reason, legacy: true)
            ? reason
            : throw new SerializationException($"{field}: unknown waiting reason '{text}'.");

    public static ErrorKind ErrorKindFrom(string text, string field) =>
        WireNames.TryParseErrorKind(text, out var kind)
            ? kind
            : throw new SerializationException($"{field}: unknown error kind '{text}'.");

    public static P.TokenUsage Usage(TokenUsage u) => new()
    {
        InputTokens = u.InputTokens,
        OutputTokens = u.OutputTokens,
        CacheReadInputTokens = u.CacheReadInputTokens,
        CacheCreationInputTokens = u.CacheCreationInputTokens,
    };

    public static TokenUsage Usage(P.TokenUsage? p, string field) =>
        p is null
            ? throw Missing(field)
            : new TokenUsage(p.InputTokens, p.OutputTokens, p.CacheReadInputTokens, p.CacheCreationInputTokens);

    public static SerializationException Missing(string field) =>
        new($"{field} is missing: the bytes are not a complete SessionCluster message.");

    private static T? Parse<T>(Dictionary<T, string> names, string text) where T : struct, System.Enum =>
        names.Where(kv => string.Equals(kv.Value, text, StringComparison.Ordinal)).Select(kv => (T?)kv.Key).FirstOrDefault();
}
