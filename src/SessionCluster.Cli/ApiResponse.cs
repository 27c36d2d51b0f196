using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SessionCluster.Cli;

/// <summary>
/// A successful answer of the node: the JSON as sent, and what it says, read only when asked for:
/// --json and --quiet print without paying for the typed read, and no serializer metadata is built before a request is sent.
/// </summary>
public sealed class ApiResponse<T>(string json, Func<JsonTypeInfo<T>> type, string request) where T : class
{
    private T? value;

    public string Json => json;

    /// <summary>The answer as a contract type; an answer that does not fit is an API error.</summary>
    public T Value => value ??= Read();

    /// <summary>The answer indented for --json; an answer that is not JSON is an API error.</summary>
    public string IndentedJson() => WireJson.Indent(json) ?? throw Unreadable("not JSON");

    /// <summary>The "id" of a session answer, without reading the rest.</summary>
    public string SessionId()
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return Value is Contracts.SessionDto session ? session.Id : throw Unreadable("no session id");
    }

    private T Read()
    {
        try
        {
            return JsonSerializer.Deserialize(json, type()) ?? throw Unreadable("null");
        }
        catch (JsonException e)
        {
            throw Unreadable(ApiClient.FirstLine(e.Message));
        }
    }

    private CliFailure Unreadable(string why) =>
        new(ExitCodes.ApiError, $"unexpected answer from the node ({request}): {why}");
}
