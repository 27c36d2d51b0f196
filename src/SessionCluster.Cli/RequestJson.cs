using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>
/// Request bodies, written by hand with <see cref="Utf8JsonWriter"/>: serializer metadata costs tens of
/// milliseconds of JIT on a cold start, and <c>launch</c> is timed from its start to the agent's first event.
/// Every property of the request records is written (a test checks it), camelCase as in <see cref="Api.Json"/>.
/// </summary>
public static class RequestJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Launch(LaunchSessionRequest request) => Write(json =>
    {
        json.WriteString("agent", request.Agent);
        json.WriteString("prompt", request.Prompt);
        json.WriteString("workdir", request.Workdir);
        json.WriteString("name", request.Name);
        json.WriteString("model", request.Model);
        json.WriteString("permissionMode", request.PermissionMode);
        json.WriteString("channel", request.Channel);
        json.WriteString("node", request.Node);
        WriteNumberOrNull(json, "maxAutoResponds", request.MaxAutoResponds);
        WriteBooleanOrNull(json, "autoResume", request.AutoResume);
        WriteBooleanOrNull(json, "multiTurn", request.MultiTurn);

        if (request.Env is { } env)
        {
            json.WriteStartObject("env");
            foreach (var (key, value) in env)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("env");
        }
    });

    public static byte[] Respond(RespondRequest request) => Write(json =>
    {
        json.WriteString("message", request.Message);
        json.WriteBoolean("auto", request.Auto);
    });

    public static byte[] Resume(ResumeRequest request) => Write(json => json.WriteString("prompt", request.Prompt));

    public static byte[] Permission(PermissionAnswerRequest request) => Write(json =>
    {
        json.WriteString("decision", request.Decision);
        json.WriteString("message", request.Message);
        json.WriteBoolean("remember", request.Remember);
    });

    public static byte[] Prune(PruneRequest request) => Write(json =>
    {
        json.WriteString("olderThan", request.OlderThan);
        WriteNumberOrNull(json, "keep", request.Keep);
        json.WriteBoolean("dryRun", request.DryRun);
    });

    public static byte[] TestNotification(TestNotificationRequest request) => Write(json => json.WriteString("channel", request.Channel));

    public static byte[] ClusterAddress(ClusterAddressRequest request) => Write(json => json.WriteString("address", request.Address));

    private static void WriteBooleanOrNull(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } flag)
        {
            json.WriteBoolean(name, flag);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
