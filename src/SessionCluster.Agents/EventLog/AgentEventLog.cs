using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Domain;

namespace SessionCluster.Agents.EventLog;

/// <summary>
/// What the event log keeps of an <see cref="AgentEvent"/>: pure, the same for every agent kind.
/// Secrets are masked before anything is cut, so half a secret is never kept either.
/// </summary>
public static class AgentEventLog
{
    /// <summary>Longest raw JSON kept per event (characters): enough to see what happened, bounded so 10,000 events stay small.</summary>
    public const int MaxRawChars = 8192;

    /// <summary>Longest summary (characters): one line in a terminal.</summary>
    public const int MaxSummaryChars = 200;

    private static readonly JsonSerializerOptions RawJson = new(JsonSerializerDefaults.Web)
    {
        // Non-ASCII kept as is, so a secret with such characters is masked in the JSON as in the text.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The entry for <paramref name="e"/>, every text passed through <paramref name="redactor"/>.</summary>
    public static EventLogEntry Describe(AgentEvent e, SecretRedactor redactor)
    {
        var (type, summary) = Summarize(e);
        var raw = redactor.Redact(Raw(e));
        var truncated = raw.Length > MaxRawChars;
        return new EventLogEntry(type, OneLine(redactor.Redact(summary), MaxSummaryChars), truncated ? Cut(raw, MaxRawChars) : raw, truncated);
    }

    /// <summary>The type and the summary before masking and bounding.</summary>
    private static (string Type, string Summary) Summarize(AgentEvent e) => e switch
    {
        AgentInit init => (EventLogTypes.TurnStarted, Join("agent session " + init.AgentSessionId, init.Model, init.Cwd)),
        AgentText text => (EventLogTypes.Text, text.Text),
        AgentThinking thinking => (EventLogTypes.Thinking, thinking.Text),
        AgentToolUse use => (EventLogTypes.ToolUse, $"{use.Name}: {ToolInput(use.InputJson)}"),
        AgentToolResult result => (EventLogTypes.ToolResult, (result.IsError ? "error: " : string.Empty) + result.Content),
        // Refused before it ran: the outcome of that tool use.
        AgentPermissionDenied denied => (EventLogTypes.ToolResult, $"denied {denied.Tool}: {denied.Message}"),
        AgentCommand command => (EventLogTypes.Command, $"{command.Command} -> {CommandOutcome(command)}"),
        AgentFileChange change => (EventLogTypes.FileChange, $"{change.Status}: {string.Join(", ", change.Paths)}"),
        AgentPlan plan => (EventLogTypes.Plan, plan.Text),
        AgentQuestion question => (EventLogTypes.Question, question.Text),
        // The agent waits for a person, as for a question; the tool use itself is its own tool_use entry.
        AgentPermissionRequest request => (EventLogTypes.Question, $"permission for {request.Tool}: {request.Summary}"),
        AgentApiRetry retry => (EventLogTypes.ApiRetry, Retry(retry)),
        AgentTurnResult result => (EventLogTypes.TurnCompleted, TurnOutcome(result)),
        AgentApiError error => (EventLogTypes.Error, Join("model API: " + error.Error, error.Status is { } status ? $"HTTP {status}" : null, error.Text)),
        AgentNotice notice => (EventLogTypes.Error, $"{notice.Kind}: {notice.Text}"),
        AgentMalformedLine malformed => (EventLogTypes.Error, "malformed output line: " + malformed.Problem),
        AgentUnknown unknown => (EventLogTypes.Unknown, unknown.Type),
        _ => (EventLogTypes.Unknown, e.GetType().Name),
    };

    private static string Raw(AgentEvent e) => e switch
    {
        AgentUnknown unknown => unknown.RawJson,
        AgentMalformedLine malformed => malformed.Raw,
        _ => JsonSerializer.Serialize(e, e.GetType(), RawJson),
    };

    /// <summary>The part of a tool input a person recognizes: the command, the file, the pattern; else the JSON itself.</summary>
    private static string ToolInput(string inputJson)
    {
        try
        {
            using var document = JsonDocument.Parse(inputJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in (string[])["command", "file_path", "path", "pattern", "url", "query", "description"])
                {
                    if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return inputJson;
    }

    private static string CommandOutcome(AgentCommand command) =>
        command.ExitCode is { } code ? $"exit {code.ToString(CultureInfo.InvariantCulture)} ({command.Status})" : command.Status;

    private static string Retry(AgentApiRetry retry)
    {
        var what = retry.ErrorStatus is { } status ? $"HTTP {status}" : retry.Error is { Length: > 0 } error ? error : "no answer";
        var of = retry.MaxRetries > 0 ? $"/{retry.MaxRetries}" : string.Empty;
        return $"retry {retry.Attempt}{of} in {retry.RetryDelayMs} ms: {what}";
    }

    private static string TurnOutcome(AgentTurnResult result) => Join(
        result.IsError ? "error" + (result.Subtype is { } subtype ? $" ({subtype})" : string.Empty) : "ok",
        $"{result.NumTurns} model turns",
        $"${result.TotalCostUsd.ToString("0.####", CultureInfo.InvariantCulture)}",
        result.PermissionDenials > 0 ? $"{result.PermissionDenials} denials" : null,
        result.ResultText);

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));

    /// <summary>Line breaks and control characters as spaces, runs of space as one, cut with an ellipsis.</summary>
    private static string OneLine(string text, int max)
    {
        var line = new StringBuilder(Math.Min(text.Length, max + 1));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = line.Length > 0;
                continue;
            }

            if (space)
            {
                line.Append(' ');
                space = false;
            }

            line.Append(c);
            if (line.Length > max)
            {
                break;
            }
        }

        return line.Length <= max ? line.ToString() : Cut(line.ToString(), max);
    }

    /// <summary>At most <paramref name="max"/> characters, the last an ellipsis, never inside a surrogate pair.</summary>
    private static string Cut(string text, int max)
    {
        var keep = max - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
