using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SessionCluster.Agents;

/// <summary>
/// Claude Code in print mode with stream-json on both sides: one long-lived process, one stdin line per turn.
/// </summary>
public sealed class ClaudeDriver(ClaudeDriverOptions options) : IAgentDriver
{
    // Relaxed: the prompt stays readable on the wire; it is JSON on a pipe, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ClaudeDriver()
        : this(new ClaudeDriverOptions())
    {
    }

    public string Agent => "claude";

    public ClaudeDriverOptions Options => options;

    public AgentProcessSpec Launch(AgentLaunchRequest request)
    {
        List<string> arguments = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];
        if (!string.IsNullOrWhiteSpace(request.Model))
        {
            arguments.AddRange(["--model", request.Model]);
        }

        if (!string.IsNullOrWhiteSpace(request.ResumeAgentSessionId))
        {
            arguments.AddRange(["--resume", request.ResumeAgentSessionId]);
        }

        arguments.AddRange(options.ExtraArguments);

        // Stdin stays open even for a single turn: closing it is how a turn's end becomes the process's end,
        // and that is decided when the result arrives.
        return new AgentProcessSpec(
            options.Executable,
            arguments,
            request.Workdir,
            request.Env,
            [UserMessageLine(request.Prompt)],
            KeepStdinOpen: true);
    }

    public AgentInput Respond(string message, AgentLaunchRequest request, string? agentSessionId) =>
        new WriteStdin(UserMessageLine(message));

    public IAgentOutputParser CreateParser() => new ClaudeStreamJsonParser();

    /// <summary>One user turn as Claude's stream-json input reads it: <c>{"type":"user","message":{...}}</c>.</summary>
    public static string UserMessageLine(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "user");
            writer.WriteStartObject("message");
            writer.WriteString("role", "user");
            writer.WriteString("content", text);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
