using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>
/// Codex's thread items and plan notifications as <see cref="AgentEvent"/>s. A tool-like item (command, file change,
/// MCP call, web search) is an <see cref="AgentToolUse"/> when it starts and its outcome when it completes; text items
/// (agent message, reasoning, plan) count once, complete. Streaming deltas are left out: the completed item has it all.
/// </summary>
internal static class CodexItemEvents
{
    public static void Add(CodexItemEvent e, ICollection<AgentEvent> events)
    {
        var item = e.Item;
        using var document = JsonDocument.Parse(item.Json);
        var json = document.RootElement;
        switch (item.Type, e.Completed)
        {
            case ("userMessage", _):
                // The person's own input, echoed.
                break;
            case ("agentMessage", true) when !string.IsNullOrEmpty(item.Text):
                events.Add(new AgentText(item.Text));
                break;
            case ("reasoning", true) when Reasoning(json) is { Length: > 0 } thinking:
                events.Add(new AgentThinking(thinking));
                break;
            case ("plan", true) when !string.IsNullOrEmpty(item.Text):
                events.Add(new AgentPlan(item.Text));
                break;
            case ("commandExecution", false):
                events.Add(new AgentToolUse(item.Id, "command", new JsonObject { ["command"] = item.Command }.ToJsonString()));
                break;
            case ("commandExecution", true):
                events.Add(new AgentCommand(item.Id, item.Command ?? "", item.AggregatedOutput, item.ExitCode, item.Status ?? ""));
                break;
            case ("fileChange", false):
                events.Add(new AgentToolUse(item.Id, "file_change", json.TryGetProperty("changes", out var changes) ? changes.GetRawText() : "[]"));
                break;
            case ("fileChange", true):
                events.Add(new AgentFileChange(item.Id, Paths(item), item.Status ?? ""));
                break;
            case ("mcpToolCall", false):
                events.Add(new AgentToolUse(item.Id, $"{Str(json, "server")}/{Str(json, "tool")}", Raw(json, "arguments", "{}")));
                break;
            case ("mcpToolCall", true):
                var failed = json.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null;
                events.Add(new AgentToolResult(item.Id, failed ? Raw(json, "error", "") : Raw(json, "result", ""), failed || item.Status == "failed"));
                break;
            case ("webSearch", false):
                events.Add(new AgentToolUse(item.Id, "web_search", new JsonObject { ["query"] = Str(json, "query") }.ToJsonString()));
                break;
            case ("webSearch", true):
                events.Add(new AgentToolResult(item.Id, Str(json, "query") ?? "", false));
                break;
            case (_, true):
                events.Add(new AgentUnknown($"item/{item.Type}", e.RawJson));
                break;
        }
    }

    /// <summary>A notification without a record of its own: a plan update, a warning, or kept whole.</summary>
    public static void Other(CodexOtherNotification n, ICollection<AgentEvent> events)
    {
        if (n.Method.EndsWith("Delta", StringComparison.Ordinal) || n.Method.EndsWith("/delta", StringComparison.Ordinal)
            || n.Method is "item/reasoning/summaryPartAdded" or "account/rateLimits/updated" or "serverRequest/resolved")
        {
            // Pieces of what a completed item or the turn's end carries whole; rate limits are codex's bookkeeping.
            return;
        }

        using var document = JsonDocument.Parse(n.ParamsJson);
        var parameters = document.RootElement;
        switch (n.Method)
        {
            case "turn/plan/updated" when parameters.ValueKind == JsonValueKind.Object:
                events.Add(new AgentPlan(Plan(parameters)));
                break;
            case "warning" or "configWarning" or "deprecationNotice" when parameters.ValueKind == JsonValueKind.Object:
                events.Add(new AgentNotice(n.Method, Str(parameters, "message") ?? Str(parameters, "summary") ?? n.ParamsJson));
                break;
            default:
                events.Add(new AgentUnknown(n.Method, n.RawJson));
                break;
        }
    }

    /// <summary>The paths of a <c>fileChange</c> item's <c>changes</c>.</summary>
    public static IReadOnlyList<string> Paths(CodexItem item)
    {
        using var document = JsonDocument.Parse(item.Json);
        return document.RootElement.TryGetProperty("changes", out var changes) && changes.ValueKind == JsonValueKind.Array
            ? changes.EnumerateArray().Select(c => Str(c, "path")).OfType<string>().Distinct().ToList()
            : [];
    }

    /// <summary>The ids of a <c>request_user_input</c>'s questions, and their text for a person (header, question, options).</summary>
    public static (IReadOnlyList<string> Ids, string Text) Questions(JsonElement parameters)
    {
        var ids = new List<string>();
        var text = new StringBuilder();
        if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("questions", out var questions) && questions.ValueKind == JsonValueKind.Array)
        {
            foreach (var question in questions.EnumerateArray())
            {
                if (Str(question, "id") is { } id)
                {
                    ids.Add(id);
                }

                text.Append(text.Length > 0 ? "\n" : "").Append(Str(question, "question") ?? Str(question, "header") ?? "");
                if (question.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array)
                {
                    var labels = options.EnumerateArray().Select(o => Str(o, "label")).OfType<string>().ToList();
                    if (labels.Count > 0)
                    {
                        text.Append(" (").AppendJoin(" / ", labels).Append(')');
                    }
                }
            }
        }

        return (ids, text.ToString());
    }

    private static string Reasoning(JsonElement item)
    {
        var parts = new List<string>();
        foreach (var name in new[] { "summary", "content" })
        {
            if (item.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                parts.AddRange(list.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!));
            }
        }

        return string.Join("\n", parts.Where(p => p.Length > 0));
    }

    private static string Plan(JsonElement parameters)
    {
        var lines = new List<string>();
        if (Str(parameters, "explanation") is { Length: > 0 } explanation)
        {
            lines.Add(explanation);
        }

        if (parameters.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.Array)
        {
            lines.AddRange(plan.EnumerateArray().Select(s => $"[{Str(s, "status") ?? "?"}] {Str(s, "step")}"));
        }

        return string.Join("\n", lines);
    }

    private static string Raw(JsonElement element, string name, string otherwise) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : otherwise;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
