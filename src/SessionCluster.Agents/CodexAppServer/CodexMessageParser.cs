using System.Text;
using System.Text.Json;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>
/// Reads one line of codex app-server's stdout into a <see cref="CodexMessage"/>: a response (by id), a server
/// request (id and method), or a notification (method only). Never throws on what it reads: unknown methods and
/// unexpected shapes come back whole as <see cref="CodexOtherNotification"/> or <see cref="CodexUnreadableLine"/>.
/// </summary>
public static class CodexMessageParser
{
    public static CodexMessage Parse(ReadOnlySpan<byte> line, bool truncated = false)
    {
        var raw = Encoding.UTF8.GetString(line);
        if (truncated)
        {
            return new CodexUnreadableLine(raw, Truncated: true);
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new CodexUnreadableLine(raw, Truncated: false);
            }

            return Read(root, raw);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Malformed JSON, or a field of another type than the protocol's: keep the line rather than fail the run.
            return new CodexUnreadableLine(raw, Truncated: false);
        }
    }

    public static CodexMessage Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    private static CodexMessage Read(JsonElement root, string raw)
    {
        var method = Str(root, "method");
        var hasId = root.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.Number or JsonValueKind.String;
        var parameters = root.TryGetProperty("params", out var p) ? p : default;
        var paramsJson = parameters.ValueKind == JsonValueKind.Undefined ? "null" : parameters.GetRawText();
        if (method is null)
        {
            if (!hasId)
            {
                return new CodexUnreadableLine(raw, Truncated: false);
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) ? n : 0;
                return new CodexErrorResponse(IdText(id), code, Str(error, "message") ?? "", raw);
            }

            return new CodexResponse(IdText(id), root.TryGetProperty("result", out var result) ? result.GetRawText() : "null", raw);
        }

        if (hasId)
        {
            return new CodexServerRequest(IdText(id), method, paramsJson, raw) { IdJson = id.GetRawText() };
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return new CodexOtherNotification(method, paramsJson, raw);
        }

        return method switch
        {
            "turn/started" => new CodexTurnStarted(Str(parameters, "threadId") ?? "", TurnId(parameters) ?? "", raw),
            "turn/completed" => TurnCompleted(parameters, raw),
            "item/started" or "item/completed" when parameters.TryGetProperty("item", out var item) && item.ValueKind == JsonValueKind.Object =>
                new CodexItemEvent(Str(parameters, "threadId") ?? "", Str(parameters, "turnId") ?? "", method == "item/completed", Item(item), raw),
            "thread/tokenUsage/updated" when parameters.TryGetProperty("tokenUsage", out var usage) && usage.ValueKind == JsonValueKind.Object =>
                new CodexTokenUsageUpdated(
                    Str(parameters, "threadId") ?? "",
                    Str(parameters, "turnId") ?? "",
                    Counts(usage, "total"),
                    Counts(usage, "last"),
                    usage.TryGetProperty("modelContextWindow", out var window) && window.ValueKind == JsonValueKind.Number && window.TryGetInt64(out var w) ? w : null,
                    raw),
            "thread/status/changed" => new CodexThreadStatusChanged(
                Str(parameters, "threadId") ?? "",
                parameters.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object ? Str(status, "type") ?? "" : "",
                raw),
            "error" => ErrorNotification(parameters, raw),
            _ => new CodexOtherNotification(method, paramsJson, raw),
        };
    }

    private static CodexTurnCompleted TurnCompleted(JsonElement parameters, string raw)
    {
        var turn = parameters.TryGetProperty("turn", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        var error = turn.ValueKind == JsonValueKind.Object && turn.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        return new CodexTurnCompleted(
            Str(parameters, "threadId") ?? "",
            turn.ValueKind == JsonValueKind.Object ? Str(turn, "id") ?? "" : "",
            turn.ValueKind == JsonValueKind.Object ? Str(turn, "status") ?? "" : "",
            error.ValueKind == JsonValueKind.Object ? Str(error, "message") : null,
            error.ValueKind == JsonValueKind.Object ? error.GetRawText() : null,
            raw);
    }

    private static CodexErrorNotification ErrorNotification(JsonElement parameters, string raw)
    {
        var error = parameters.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        return new CodexErrorNotification(
            Str(parameters, "threadId"),
            Str(parameters, "turnId"),
            error.ValueKind == JsonValueKind.Object ? Str(error, "message") ?? "" : "",
            parameters.TryGetProperty("willRetry", out var retry) && retry.ValueKind == JsonValueKind.True,
            raw);
    }

    private static CodexItem Item(JsonElement item) => new(
        Str(item, "type") ?? "",
        Str(item, "id") ?? "",
        Str(item, "text"),
        Str(item, "command"),
        Str(item, "aggregatedOutput"),
        item.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var c) ? c : null,
        Str(item, "status"),
        item.GetRawText());

    private static CodexTokenCounts Counts(JsonElement usage, string name)
    {
        if (!usage.TryGetProperty(name, out var counts) || counts.ValueKind != JsonValueKind.Object)
        {
            return new CodexTokenCounts(0, 0, 0, 0, 0);
        }

        return new CodexTokenCounts(
            Long(counts, "inputTokens"), Long(counts, "cachedInputTokens"), Long(counts, "outputTokens"),
            Long(counts, "reasoningOutputTokens"), Long(counts, "totalTokens"));
    }

    // turn/started carries the turn as an object; some notifications carry a bare turnId.
    private static string? TurnId(JsonElement parameters) =>
        parameters.TryGetProperty("turn", out var turn) && turn.ValueKind == JsonValueKind.Object ? Str(turn, "id") : Str(parameters, "turnId");

    private static string IdText(JsonElement id) => id.ValueKind == JsonValueKind.String ? id.GetString() ?? "" : id.GetRawText();

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
