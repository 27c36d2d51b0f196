using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>
/// The API's answers, read with source-generated code so a run of sessionctl pays no reflection
/// start-up cost. Same naming and leniency as <see cref="Api.Json"/> (web defaults). Requests are
/// written by <see cref="RequestJson"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(List<SessionDto>))]
[JsonSerializable(typeof(ProblemDto))]
internal sealed partial class WireJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions IndentedWriter = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The node's JSON as it came, indented; null for text that is not JSON.</summary>
    public static string? Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, IndentedWriter))
            {
                document.WriteTo(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
