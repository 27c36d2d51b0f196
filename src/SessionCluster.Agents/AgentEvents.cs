using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// One thing an agent said on its output stream, in the one model every agent kind's parser produces.
/// </summary>
public abstract record AgentEvent;

/// <summary>The agent opened (or continued) its conversation: its own session id, model and working directory.</summary>
public sealed record AgentInit(string AgentSessionId, string? Model, string? Cwd) : AgentEvent;

/// <summary>Text the assistant wrote.</summary>
public sealed record AgentText(string Text) : AgentEvent;

/// <summary>The assistant's visible reasoning.</summary>
public sealed record AgentThinking(string Text) : AgentEvent;

/// <summary>The assistant asked to run a tool; <paramref name="InputJson"/> is the tool input as the agent wrote it.</summary>
public sealed record AgentToolUse(string ToolUseId, string Name, string InputJson) : AgentEvent;

/// <summary>What a tool gave back to the assistant.</summary>
public sealed record AgentToolResult(string ToolUseId, string Content, bool IsError) : AgentEvent;

/// <summary>
/// A model API call failed and the agent will try again. <paramref name="ErrorStatus"/> is the HTTP status,
/// or null when no answer came (connection refused, timeout).
/// </summary>
public sealed record AgentApiRetry(int Attempt, int MaxRetries, int RetryDelayMs, int? ErrorStatus, string? Error) : AgentEvent
{
    /// <summary>The agent says the model API refused its credentials (Claude: <c>authentication_failed</c>); HTTP 401 says so too.</summary>
    public bool CredentialsRefused { get; init; }
}

/// <summary>
/// The agent gave up on the model API and said so as an assistant message
/// (for example <c>authentication_failed</c>, "Not logged in · Please run /login").
/// </summary>
public sealed record AgentApiError(string Error, string Text) : AgentEvent
{
    /// <summary>The HTTP status the model API answered with, when there was an answer.</summary>
    public int? Status { get; init; }

    /// <summary>The agent's finer reason when it has one (Claude: <c>connection_failed</c>).</summary>
    public string? Detail { get; init; }

    /// <summary>The agent says the model API refused its credentials (Claude: <c>authentication_failed</c>); HTTP 401 says so too.</summary>
    public bool CredentialsRefused { get; init; }

    /// <summary>The agent says nothing answered at all (Claude: <c>connection_failed</c>): the server is down or unreachable.</summary>
    public bool NoAnswer { get; init; }
}

/// <summary>The end of a turn. <paramref name="TotalCostUsd"/> is the conversation's cost so far.</summary>
public sealed record AgentTurnResult(
    bool IsError,
    string? Subtype,
    decimal TotalCostUsd,
    TokenUsage Usage,
    int NumTurns,
    int PermissionDenials,
    string? ResultText,
    string? AgentSessionId) : AgentEvent;

/// <summary>A well-formed line of a kind this parser does not model; kept whole so nothing is lost.</summary>
public sealed record AgentUnknown(string Type, string RawJson) : AgentEvent;

/// <summary>A line that is not what the agent's protocol promises (bad JSON, too long, no type).</summary>
public sealed record AgentMalformedLine(string Raw, string Problem) : AgentEvent
{
    /// <summary>Longest <see cref="Raw"/> kept: enough to diagnose, small enough to journal and notify.</summary>
    public const int MaxRawChars = 4096;
}

/// <summary>
/// The agent asks before it uses a tool and waits until the request is answered
/// (<see cref="AgentRun.AnswerPermissionAsync"/>). <paramref name="Summary"/> says what for in one bounded line:
/// the command, the file path(s), or the agent's description; <paramref name="InputJson"/> is the tool input.
/// </summary>
public sealed record AgentPermissionRequest(string RequestId, string Tool, string Summary, string InputJson) : AgentEvent
{
    /// <summary>Longest <see cref="Summary"/>: a line a person reads before answering, not the whole input.</summary>
    public const int MaxSummaryChars = 300;
}

/// <summary>The agent was refused a tool use (by its own rules, or by an answer) and told the model why.</summary>
public sealed record AgentPermissionDenied(string ToolUseId, string Tool, string Message) : AgentEvent;

/// <summary>
/// The agent asks the person a question in the middle of a turn and waits for the answer (Codex's
/// <c>request_user_input</c>); the next respond answers it.
/// </summary>
public sealed record AgentQuestion(string RequestId, string Text) : AgentEvent;

/// <summary>
/// A shell command the agent ran (Codex <c>commandExecution</c>), reported once it ended. <paramref name="Status"/> is
/// the agent's word (<c>completed</c>, <c>failed</c>, <c>declined</c>); <paramref name="ExitCode"/> is null when it never ran.
/// </summary>
public sealed record AgentCommand(string ItemId, string Command, string? Output, int? ExitCode, string Status) : AgentEvent;

/// <summary>Files the agent changed (or proposed to change) in one step (Codex <c>fileChange</c>), once it ended.</summary>
public sealed record AgentFileChange(string ItemId, IReadOnlyList<string> Paths, string Status) : AgentEvent;

/// <summary>The agent's plan or to-do list as it now stands: one line per step, with its status.</summary>
public sealed record AgentPlan(string Text) : AgentEvent;

/// <summary>
/// The agent reports a problem of its own that does not end the turn by itself (Codex <c>thread/status/changed</c>
/// to <c>systemError</c>, a <c>warning</c>).
/// </summary>
public sealed record AgentNotice(string Kind, string Text) : AgentEvent;
