using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// What a channel sends: the webhook JSON payload (also the file line and the command's stdin), and the Slack text.
/// </summary>
/// <remarks>
/// The payload, schema version <see cref="Notification.SchemaVersion"/>: compact camelCase JSON, fields without a value
/// left out. <c>id</c> (stable per notification: receivers drop repeats by it), <c>kind</c>, <c>sessionId</c>,
/// <c>sessionName</c>, <c>agent</c>, <c>status</c>, <c>text</c>, <c>error</c> {<c>kind</c>, <c>message</c>,
/// <c>exitCode</c>, <c>signal</c>, <c>stderrTail</c>, <c>outputTail</c>, <c>suggestion</c>}, <c>question</c>,
/// <c>permission</c> {<c>requestId</c>, <c>tool</c>, <c>summary</c>}, <c>commands</c> [..], <c>lastOutput</c>,
/// <c>turns</c>, <c>costUsd</c>, <c>usage</c> {<c>inputTokens</c>, <c>outputTokens</c>, <c>cacheReadInputTokens</c>,
/// <c>cacheCreationInputTokens</c>}, <c>node</c>, <c>durationSeconds</c>, <c>timestamp</c> (when it was raised, ISO-8601
/// UTC), <c>schemaVersion</c>, <c>attempt</c> (1 for the first try on this channel), and <c>fallback</c>
/// {<c>fromChannel</c>, <c>error</c>} when the system channel stands in for the notification's own.
/// </remarks>
public static class NotificationPayload
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Non-ASCII and <, >, & stay readable in a file or a terminal; the payload is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Json(NotificationDelivery delivery)
    {
        var n = delivery.Notification;
        var payload = new Payload(
            delivery.Id,
            n.Kind.ToWire(),
            n.SessionId,
            n.SessionName,
            n.Agent,
            n.Status,
            n.Text,
            n.Error is { } e ? new ErrorPayload(e.Kind.ToWire(), e.Message, e.ExitCode, e.Signal, e.StderrTail, e.OutputTail, e.Suggestion) : null,
            n.Question,
            n.Permission is { } p ? new PermissionPayload(p.RequestId, p.Tool, p.Summary) : null,
            n.Commands,
            n.LastOutput,
            n.Turns,
            n.CostUsd,
            n.Usage,
            n.Node,
            n.Duration is { } d ? Math.Round(d.TotalSeconds, 3) : null,
            n.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Notification.SchemaVersion,
            delivery.Attempt,
            delivery.Fallback is { } f ? new FallbackPayload(f.FromChannel, f.Error) : null);
        return JsonSerializer.Serialize(payload, Options);
    }

    /// <summary>A Slack-style incoming webhook's body: the rendered text, and on a fallback one line saying why.</summary>
    public static string SlackJson(NotificationDelivery delivery)
    {
        var text = delivery.Fallback is { } f
            ? $"{delivery.Notification.Text}\n(via system channel: {f.FromChannel} failed: {f.Error})"
            : delivery.Notification.Text;
        return JsonSerializer.Serialize(new SlackPayload(text), Options);
    }

    // Declaration order is the payload's field order.
    private sealed record Payload(
        string Id,
        string Kind,
        string SessionId,
        string SessionName,
        string Agent,
        string Status,
        string Text,
        ErrorPayload? Error,
        string? Question,
        PermissionPayload? Permission,
        IReadOnlyList<string> Commands,
        string? LastOutput,
        int Turns,
        decimal CostUsd,
        TokenUsage Usage,
        string? Node,
        double? DurationSeconds,
        string Timestamp,
        int SchemaVersion,
        int Attempt,
        FallbackPayload? Fallback);

    private sealed record ErrorPayload(string Kind, string Message, int? ExitCode, int? Signal, string StderrTail, string OutputTail, string Suggestion);

    private sealed record PermissionPayload(string RequestId, string Tool, string Summary);

    private sealed record FallbackPayload(string FromChannel, string Error);

    private sealed record SlackPayload(string Text);
}
