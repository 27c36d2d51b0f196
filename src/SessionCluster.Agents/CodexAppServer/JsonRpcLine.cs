using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SessionCluster.Agents.CodexAppServer;

/// <summary>
/// Writes the one-line JSON objects codex app-server reads on stdin. Codex 0.169.0 neither needs nor sends
/// <c>"jsonrpc":"2.0"</c> (its schema has no such field), so none is written.
/// </summary>
public static class JsonRpcLine
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A request with <paramref name="id"/>; its answer carries the same id.</summary>
    public static string Request(long id, CodexRequest request)
    {
        var line = new JsonObject
        {
            ["id"] = id,
            ["method"] = request.Method,

            // The runtime type, so the derived record's own fields are written.
            ["params"] = JsonSerializer.SerializeToNode(request, request.GetType(), Options),
        };
        return line.ToJsonString();
    }

    public static string Notification(CodexClientNotification notification) =>
        new JsonObject { ["method"] = notification.Method }.ToJsonString();

    /// <summary>An answer to a request codex sent us (an approval, a question), by the id it gave.</summary>
    public static string Response(JsonElement id, object result) => Response(id.GetRawText(), result);

    /// <summary>An answer to a request codex sent us, by the id as it wrote it (<see cref="CodexServerRequest.IdJson"/>).</summary>
    public static string Response(string idJson, object result) =>
        new JsonObject
        {
            ["id"] = JsonNode.Parse(idJson),
            ["result"] = result as JsonNode ?? JsonSerializer.SerializeToNode(result, result.GetType(), Options),
        }.ToJsonString();

    /// <summary>A refusal of a request codex sent us (one this client does not serve), so codex does not wait for it.</summary>
    public static string ErrorResponse(string idJson, int code, string message) =>
        new JsonObject
        {
            ["id"] = JsonNode.Parse(idJson),
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        }.ToJsonString();
}
