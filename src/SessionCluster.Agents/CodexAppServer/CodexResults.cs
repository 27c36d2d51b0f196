using System.Text.Json;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>The fields a client needs from the results of <c>thread/start</c>, <c>thread/resume</c> and <c>turn/start</c>.</summary>
public static class CodexResults
{
    /// <summary><c>result.thread.id</c> of thread/start or thread/resume: the thread id (codex's session id too).</summary>
    public static string? ThreadId(CodexResponse response) => Nested(response.ResultJson, "thread", "id");

    /// <summary><c>result.turn.id</c> of turn/start: what turn/interrupt names.</summary>
    public static string? TurnId(CodexResponse response) => Nested(response.ResultJson, "turn", "id");

    private static string? Nested(string json, string outer, string inner)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty(inner, out var i) && i.ValueKind == JsonValueKind.String
                ? i.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
