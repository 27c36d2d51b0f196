using System.Text.Json.Serialization;

namespace SessionCluster.Agents.CodexAppServer;

// What a client sends to `codex app-server` (codex-cli 0.169.0). Field names are those of the schema that
// `codex app-server generate-json-schema` prints; a test checks every line written here against it.
// Optional fields left null are not written, so codex applies its own defaults.

/// <summary>A JSON-RPC request to codex app-server: a method and its params (the record's other fields).</summary>
/// <remarks>Each override of <see cref="Method"/> carries its own [JsonIgnore]: System.Text.Json does not inherit it.</remarks>
public abstract record CodexRequest
{
    [JsonIgnore]
    public abstract string Method { get; }
}

/// <summary>A JSON-RPC notification to codex app-server (no id, no answer).</summary>
public abstract record CodexClientNotification
{
    [JsonIgnore]
    public abstract string Method { get; }
}

/// <summary>Who the client is; codex puts it into its user agent.</summary>
public sealed record CodexClientInfo(string Name, string Version);

/// <summary>The first request: answered with <c>userAgent</c> and <c>codexHome</c>.</summary>
public sealed record CodexInitialize(CodexClientInfo ClientInfo) : CodexRequest
{
    [JsonIgnore]
    public override string Method => "initialize";
}

/// <summary>Sent once after the answer to <see cref="CodexInitialize"/>; codex takes no other request before it.</summary>
public sealed record CodexInitialized : CodexClientNotification
{
    [JsonIgnore]
    public override string Method => "initialized";
}

/// <summary>
/// A new thread (conversation). The answer carries <c>result.thread.id</c>.
/// </summary>
/// <param name="Sandbox"><c>read-only</c> (codex's default: commands that write fail), <c>workspace-write</c> or <c>danger-full-access</c>.</param>
/// <param name="ApprovalPolicy"><c>untrusted</c>, <c>on-request</c> or <c>never</c> (never asks: no server requests for approval).</param>
public sealed record CodexThreadStart(
    string? Cwd = null,
    string? Model = null,
    string? Sandbox = null,
    string? ApprovalPolicy = null) : CodexRequest
{
    [JsonIgnore]
    public override string Method => "thread/start";
}

/// <summary>Opens a thread kept in CODEX_HOME by an earlier process; the next turn sends the whole history.</summary>
public sealed record CodexThreadResume(
    string ThreadId,
    string? Cwd = null,
    string? Model = null,
    string? Sandbox = null,
    string? ApprovalPolicy = null) : CodexRequest
{
    [JsonIgnore]
    public override string Method => "thread/resume";
}

/// <summary>One piece of user input; only text is written by this client.</summary>
public sealed record CodexUserInput(string Type, string Text)
{
    public static CodexUserInput FromText(string text) => new("text", text);
}

/// <summary>A user turn on a thread. The answer carries <c>result.turn.id</c>; <c>turn/completed</c> ends it.</summary>
public sealed record CodexTurnStart(string ThreadId, IReadOnlyList<CodexUserInput> Input) : CodexRequest
{
    [JsonIgnore]
    public override string Method => "turn/start";

    public static CodexTurnStart Text(string threadId, string text) => new(threadId, [CodexUserInput.FromText(text)]);
}

/// <summary>Stops a running turn: answered with <c>{}</c>, then <c>turn/completed</c> with status <c>interrupted</c>.</summary>
public sealed record CodexTurnInterrupt(string ThreadId, string TurnId) : CodexRequest
{
    [JsonIgnore]
    public override string Method => "turn/interrupt";
}

/// <summary>
/// The answer to codex's <c>item/commandExecution/requestApproval</c>: <c>accept</c>, <c>acceptForSession</c>,
/// <c>decline</c> (the turn goes on without the command) or <c>cancel</c>. Written with <see cref="JsonRpcLine.Response"/>.
/// </summary>
public sealed record CodexCommandApproval(string Decision);
