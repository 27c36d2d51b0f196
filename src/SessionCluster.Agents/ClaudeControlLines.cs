using System.Text.Json;

namespace SessionCluster.Agents;

/// <summary>
/// Claude's permission lines: <c>control_request</c> / <c>can_use_tool</c> (it asks and waits) and
/// <c>system</c> / <c>permission_denied</c> (it was refused). They are rare and small, so a whole-document read
/// is fine here; null means the line is not the shape we know, and the parser keeps it as unknown.
/// </summary>
internal static class ClaudeControlLines
{
    private static readonly string[] PathKeys = ["file_path", "notebook_path", "path"];

    /// <summary><c>{"type":"control_request","request_id":..,"request":{"subtype":"can_use_tool",..}}</c>.</summary>
    public static AgentPermissionRequest? Request(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var root = document.RootElement;
        if (String(root, "request_id") is not { Length: > 0 } requestId
            || !root.TryGetProperty("request", out var request)
            || request.ValueKind != JsonValueKind.Object
            || String(request, "subtype") != "can_use_tool"
            || String(request, "tool_name") is not { Length: > 0 } tool)
        {
            return null;
        }

        var input = request.TryGetProperty("input", out var i) && i.ValueKind == JsonValueKind.Object ? i : default;
        var summary = Summary(tool, input, String(request, "description") ?? String(request, "display_name"));
        return new AgentPermissionRequest(requestId, tool, summary, input.ValueKind == JsonValueKind.Object ? input.GetRawText() : "{}");
    }

    /// <summary><c>{"type":"system","subtype":"permission_denied","tool_name":..,"tool_use_id":..,"message":".."}</c>.</summary>
    public static AgentPermissionDenied? Denied(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var root = document.RootElement;
        return String(root, "tool_name") is { } tool
            ? new AgentPermissionDenied(String(root, "tool_use_id") ?? string.Empty, tool, String(root, "message") ?? string.Empty)
            : null;
    }

    /// <summary>What a person needs to decide: the command, the file path(s), else the agent's own description.</summary>
    private static string Summary(string tool, JsonElement input, string? description)
    {
        string? summary = null;
        if (input.ValueKind == JsonValueKind.Object)
        {
            if (tool == "Bash")
            {
                summary = String(input, "command");
            }
            else
            {
                var paths = PathKeys.Select(k => String(input, k)).Where(p => !string.IsNullOrEmpty(p)).Distinct().ToList();
                summary = paths.Count > 0 ? string.Join(", ", paths) : null;
            }
        }

        return PermissionSummary.Bounded(string.IsNullOrWhiteSpace(summary) ? description ?? tool : summary);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
