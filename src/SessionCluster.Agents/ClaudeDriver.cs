using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// Claude Code in print mode with stream-json on both sides: one long-lived process, one stdin line per turn.
/// </summary>
public sealed class ClaudeDriver(ClaudeDriverOptions options) : IAgentDriver
{
    /// <summary>What a deny says to the model when the person gave no reason.</summary>
    public const string DefaultDenyMessage = "The user denied this tool use.";

    // Relaxed: the prompt stays readable on the wire; it is JSON on a pipe, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ClaudeDriver()
        : this(new ClaudeDriverOptions())
    {
    }

    public string Agent => "claude";

    public string? Executable => options.Executable;

    public ClaudeDriverOptions Options => options;

    /// <summary>Who the node runs as; a seam so tests can see the argv of a non-root node.</summary>
    internal Func<bool> RunsAsRoot { get; init; } = Libc.IsRoot;

    /// <exception cref="AgentStartException">Bypass was asked for on a node that runs as root.</exception>
    public AgentProcessSpec Launch(AgentLaunchRequest request)
    {
        var mode = request.Launch.PermissionMode;
        if (mode == PermissionMode.Bypass && RunsAsRoot())
        {
            // Claude would exit 1 at once with a message about --dangerously-skip-permissions; say it in our terms.
            throw new AgentStartException(
                ErrorKind.AgentError,
                "the permission mode bypass cannot run as root (claude refuses it); use accept-edits, or run the node as a non-root user");
        }

        List<string> arguments = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];
        arguments.AddRange(PermissionArguments(mode));
        if (!string.IsNullOrWhiteSpace(request.Launch.Model))
        {
            arguments.AddRange(["--model", request.Launch.Model]);
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
            request.Launch.Workdir,
            request.Launch.Env,
            [UserMessageLine(request.Launch.Prompt)],
            KeepStdinOpen: true);
    }

    public IAgentConversation Converse(AgentLaunchRequest request) => new ClaudeConversation();

    /// <summary>Claude's flags for a permission mode: every mode that may ask, asks over stdio.</summary>
    public static IReadOnlyList<string> PermissionArguments(PermissionMode mode) => mode switch
    {
        PermissionMode.Ask => ["--permission-prompt-tool", "stdio"],
        PermissionMode.AcceptEdits => ["--permission-mode", "acceptEdits", "--permission-prompt-tool", "stdio"],
        PermissionMode.Plan => ["--permission-mode", "plan"],
        PermissionMode.Bypass => ["--permission-mode", "bypassPermissions"],
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown permission mode"),
    };

    /// <summary>
    /// The stdin line that answers a <c>can_use_tool</c> request. Allow: <c>{"behavior":"allow","updatedInput":..}</c>
    /// with the input as asked; deny: <c>{"behavior":"deny","message":..}</c>, which claude gives the model as an
    /// error tool result, and the turn goes on.
    /// </summary>
    /// <param name="inputJson">The tool input of the request (a JSON object); used only when allowing.</param>
    public static string PermissionResponseLine(string requestId, bool allow, string? message, string inputJson) => JsonLine(writer =>
    {
        writer.WriteString("type", "control_response");
        writer.WriteStartObject("response");
        writer.WriteString("subtype", "success");
        writer.WriteString("request_id", requestId);
        writer.WriteStartObject("response");
        if (allow)
        {
            writer.WriteString("behavior", "allow");
            writer.WritePropertyName("updatedInput");
            writer.WriteRawValue(string.IsNullOrWhiteSpace(inputJson) ? "{}" : inputJson);
        }
        else
        {
            writer.WriteString("behavior", "deny");
            writer.WriteString("message", string.IsNullOrWhiteSpace(message) ? DefaultDenyMessage : message);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    /// <summary>One user turn as Claude's stream-json input reads it: <c>{"type":"user","message":{...}}</c>.</summary>
    public static string UserMessageLine(string text) => JsonLine(writer =>
    {
        writer.WriteString("type", "user");
        writer.WriteStartObject("message");
        writer.WriteString("role", "user");
        writer.WriteString("content", text);
        writer.WriteEndObject();
    });

    /// <summary>One JSON object on one line, its properties written by <paramref name="properties"/>.</summary>
    private static string JsonLine(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
