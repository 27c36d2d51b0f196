using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>
/// Reads codex's <c>codexErrorInfo</c>: a plain string (<c>"internalServerError"</c>) or an object of one property
/// (<c>{"httpConnectionFailed":{"httpStatusCode":401}}</c>), found in <c>error</c> notifications and failed turns.
/// </summary>
internal static partial class CodexErrors
{
    // The kinds that mean the model server could not be talked to; without a status, nothing answered.
    private static readonly HashSet<string> ConnectionKinds = new(StringComparer.Ordinal)
    {
        "httpConnectionFailed", "responseStreamConnectionFailed", "responseStreamDisconnected",
    };

    /// <summary>The kind and HTTP status of the error object at <paramref name="path"/> (property names, from the root; none = the root).</summary>
    public static (string? Kind, int? Status) Info(string json, params string[] path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var element = document.RootElement;
            if (element.TryGetProperty("params", out var p) && path.Length > 0)
            {
                element = p;
            }

            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return (null, null);
                }
            }

            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("codexErrorInfo", out var info))
            {
                return (null, null);
            }

            return info.ValueKind switch
            {
                JsonValueKind.String => (info.GetString(), null),
                JsonValueKind.Object => info.EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Object } kind
                    ? (kind.Name, kind.Value.TryGetProperty("httpStatusCode", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var status) ? status : null)
                    : (info.EnumerateObject().FirstOrDefault().Name, null),
                _ => (null, null),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>The give-up of a model call, as the run classifies it (HTTP status, nothing answered, credentials refused).</summary>
    public static AgentApiError ApiError(string json, string message, params string[] path)
    {
        var (kind, status) = Info(json, path);
        var statusFromText = status ?? StatusIn(message);
        return new AgentApiError(kind ?? "error", message)
        {
            Status = statusFromText,
            Detail = kind,
            CredentialsRefused = statusFromText == 401 || kind == "unauthorized",
            NoAnswer = statusFromText is null && kind is not null && ConnectionKinds.Contains(kind),
        };
    }

    /// <summary>"Reconnecting... 2/5 (...)": attempt 2 of 5; (1, 0) when the message says nothing.</summary>
    public static (int Attempt, int Max) Attempt(string message)
    {
        var match = AttemptPattern().Match(message);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : (1, 0);
    }

    private static int? StatusIn(string message)
    {
        var match = StatusPattern().Match(message);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"(\d+)/(\d+)")]
    private static partial Regex AttemptPattern();

    [GeneratedRegex(@"unexpected status (\d{3})")]
    private static partial Regex StatusPattern();
}
