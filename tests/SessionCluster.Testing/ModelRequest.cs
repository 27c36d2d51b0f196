using System.Text.Json;

namespace SessionCluster.Testing;

/// <summary>One request the <see cref="ScriptedModelServer"/> received, with what tests ask of it.</summary>
public sealed class ModelRequest
{
    public ModelRequest(string method, string pathAndQuery, string body, IReadOnlyDictionary<string, string> headers)
    {
        Method = method;
        PathAndQuery = pathAndQuery;
        Body = body;
        Headers = headers;
        if (!string.IsNullOrEmpty(body) && TryParse(body) is { } root)
        {
            Model = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;
            MaxTokens = root.TryGetProperty("max_tokens", out var max) && max.TryGetInt32(out var m) ? m : null;
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
            ToolNames = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                ? tools.EnumerateArray().Select(t => t.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "").ToList()
                : [];
            // The Messages API's "messages"; the Responses API's "input" (messages and function call items).
            var messages = (root.TryGetProperty("messages", out var list) || root.TryGetProperty("input", out list)) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().ToList()
                : [];
            FunctionCallOutputs = messages
                .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("type", out var type) && type.GetString() == "function_call_output")
                .Select(m => new ModelFunctionCallOutput(
                    m.TryGetProperty("call_id", out var id) ? id.GetString() ?? "" : "",
                    m.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.String ? output.GetString() ?? "" : output.GetRawText()))
                .ToList();
            MessageCount = messages.Count;
            var lastUser = messages.LastOrDefault(m => m.TryGetProperty("role", out var role) && role.GetString() == "user");
            if (lastUser.ValueKind == JsonValueKind.Object)
            {
                (UserTexts, ToolResults) = ReadUserMessage(lastUser);
            }
        }
    }

    public string Method { get; }

    public string PathAndQuery { get; }

    public string Body { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Model { get; }

    public int? MaxTokens { get; }

    public bool Stream { get; }

    /// <summary>The tools the agent offered the model; empty for side requests (titles, summaries, probes).</summary>
    public IReadOnlyList<string> ToolNames { get; } = [];

    /// <summary>A request of the agent's main loop (it offers tools): these take the scripted replies in order.</summary>
    public bool IsTurn => (IsMessages || IsResponses) && ToolNames.Count > 0;

    /// <summary>A call of the Responses API (<c>POST /v1/responses</c>), as codex makes.</summary>
    public bool IsResponses => Method == "POST" && PathAndQuery == "/v1/responses";

    /// <summary>The outputs of function calls (codex's tool results) anywhere in a Responses request's input, oldest first.</summary>
    public IReadOnlyList<ModelFunctionCallOutput> FunctionCallOutputs { get; } = [];

    /// <summary>A call of the Messages API (<c>POST /v1/messages</c>, with or without a query).</summary>
    public bool IsMessages => Method == "POST"
        && (PathAndQuery == "/v1/messages" || PathAndQuery.StartsWith("/v1/messages?", StringComparison.Ordinal));

    public int MessageCount { get; }

    /// <summary>The text blocks of the conversation's last user message.</summary>
    public IReadOnlyList<string> UserTexts { get; } = [];

    /// <summary>The tool results of the conversation's last user message.</summary>
    public IReadOnlyList<ModelToolResult> ToolResults { get; } = [];

    public override string ToString() => $"{Method} {PathAndQuery} ({MessageCount} messages, {ToolNames.Count} tools)";

    private static JsonElement? TryParse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (IReadOnlyList<string>, IReadOnlyList<ModelToolResult>) ReadUserMessage(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return ([], []);
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return ([content.GetString() ?? ""], []);
        }

        var texts = new List<string>();
        if (content.ValueKind != JsonValueKind.Array)
        {
            return ([], []);
        }

        var results = new List<ModelToolResult>();
        foreach (var block in content.EnumerateArray())
        {
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is "text" or "input_text" && block.TryGetProperty("text", out var text))
            {
                texts.Add(text.GetString() ?? "");
            }
            else if (type == "tool_result")
            {
                results.Add(new ModelToolResult(
                    block.TryGetProperty("tool_use_id", out var id) ? id.GetString() ?? "" : "",
                    ToolResultText(block),
                    block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True));
            }
        }

        return (texts, results);
    }

    private static string ToolResultText(JsonElement block)
    {
        if (!block.TryGetProperty("content", out var content))
        {
            return "";
        }

        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString() ?? "",
            JsonValueKind.Array => string.Join("\n", content.EnumerateArray()
                .Where(b => b.TryGetProperty("text", out _))
                .Select(b => b.GetProperty("text").GetString())),
            _ => content.GetRawText(),
        };
    }
}

public sealed record ModelToolResult(string ToolUseId, string Content, bool IsError);

public sealed record ModelFunctionCallOutput(string CallId, string Output);
