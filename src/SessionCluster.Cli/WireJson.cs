using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>
/// The API's JSON, read and written with source-generated code so a run of sessionctl pays no
/// reflection start-up cost. Same naming and leniency as <see cref="Api.Json"/> (web defaults).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LaunchSessionRequest))]
[JsonSerializable(typeof(RespondRequest))]
[JsonSerializable(typeof(ResumeRequest))]
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

    /// <summary>The node's JSON as it came, indented; text that is not JSON comes back unchanged.</summary>
    public static string Indent(string json)
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
            return json;
        }
    }
}
