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
[JsonSerializable(typeof(SessionEventsDto))]
[JsonSerializable(typeof(EventSearchDto))]
[JsonSerializable(typeof(SessionEventDto))]
[JsonSerializable(typeof(EventStreamEndDto))]
[JsonSerializable(typeof(EventStreamDroppedDto))]
[JsonSerializable(typeof(PruneDto))]
[JsonSerializable(typeof(List<ChannelHealthDto>))]
[JsonSerializable(typeof(List<NotificationDto>))]
[JsonSerializable(typeof(TestNotificationDto))]
[JsonSerializable(typeof(ClusterDto))]
[JsonSerializable(typeof(ClusterActionDto))]
[JsonSerializable(typeof(List<ShardRegionDto>))]
[JsonSerializable(typeof(RegionStatsDto))]
[JsonSerializable(typeof(ShardEntityDto))]
[JsonSerializable(typeof(ClusterMemberEventDto))]
[JsonSerializable(typeof(AgentHostsDto))]
internal sealed partial class WireJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions IndentedWriter = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>How many items a JSON array holds; null for anything else.</summary>
    public static int? ArrayLength(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.GetArrayLength() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The items of several JSON arrays (pages of a list) as one array, each item as the node sent it; null if one is no array.</summary>
    public static string? JoinArrays(IEnumerable<string> arrays)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var json in arrays)
            {
                try
                {
                    using var document = JsonDocument.Parse(json);
                    if (document.RootElement.ValueKind != JsonValueKind.Array)
                    {
                        return null;
                    }

                    foreach (var item in document.RootElement.EnumerateArray())
                    {
                        item.WriteTo(writer);
                    }
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

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
