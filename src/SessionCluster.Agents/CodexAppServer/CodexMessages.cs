namespace SessionCluster.Agents.CodexAppServer;

// What codex app-server writes on stdout, one JSON object a line, read by CodexMessageParser. Every record keeps
// the line's raw JSON so nothing is lost to a field this parser does not know.

/// <summary>One line of codex app-server's stdout.</summary>
public abstract record CodexMessage(string RawJson);

/// <summary>The successful answer to the request with <paramref name="Id"/>; <paramref name="ResultJson"/> is its <c>result</c>.</summary>
public sealed record CodexResponse(string Id, string ResultJson, string RawJson) : CodexMessage(RawJson);

/// <summary>The failed answer to the request with <paramref name="Id"/>.</summary>
public sealed record CodexErrorResponse(string Id, long Code, string Message, string RawJson) : CodexMessage(RawJson);

/// <summary>A request from codex to the client (an approval, a question for the user): it waits for an answer with this id.</summary>
public sealed record CodexServerRequest(string Id, string Method, string ParamsJson, string RawJson) : CodexMessage(RawJson)
{
    /// <summary>The id exactly as codex wrote it (a number or a JSON string): what the answer must carry.</summary>
    public string IdJson { get; init; } = Id;
}

/// <summary>A notification whose method this parser has no record for: kept whole.</summary>
public sealed record CodexOtherNotification(string Method, string ParamsJson, string RawJson) : CodexMessage(RawJson);

/// <summary>A line that is not a JSON object, or is cut short by the line limit.</summary>
public sealed record CodexUnreadableLine(string RawJson, bool Truncated) : CodexMessage(RawJson);

/// <summary><c>turn/started</c>.</summary>
public sealed record CodexTurnStarted(string ThreadId, string TurnId, string RawJson) : CodexMessage(RawJson);

/// <summary>
/// <c>turn/completed</c>: the end of every turn. <paramref name="Status"/> is <c>completed</c>, <c>interrupted</c>
/// or <c>failed</c>; a failed turn carries <c>turn.error</c> (message and <c>codexErrorInfo</c>) as <paramref name="ErrorJson"/>.
/// </summary>
public sealed record CodexTurnCompleted(string ThreadId, string TurnId, string Status, string? ErrorMessage, string? ErrorJson, string RawJson)
    : CodexMessage(RawJson);

/// <summary><c>item/started</c> or <c>item/completed</c> (see <paramref name="Completed"/>).</summary>
public sealed record CodexItemEvent(string ThreadId, string TurnId, bool Completed, CodexItem Item, string RawJson) : CodexMessage(RawJson);

/// <summary>
/// One thread item. <paramref name="Type"/> is e.g. <c>userMessage</c>, <c>agentMessage</c> (with <paramref name="Text"/>),
/// <c>reasoning</c>, <c>commandExecution</c> (with <paramref name="Command"/>, <paramref name="AggregatedOutput"/>,
/// <paramref name="ExitCode"/>, <paramref name="Status"/>), <c>fileChange</c>; <paramref name="Json"/> is the whole item.
/// </summary>
public sealed record CodexItem(
    string Type,
    string Id,
    string? Text,
    string? Command,
    string? AggregatedOutput,
    int? ExitCode,
    string? Status,
    string Json);

/// <summary><c>thread/tokenUsage/updated</c>: after each model response, the thread's running total and the last response's.</summary>
public sealed record CodexTokenUsageUpdated(string ThreadId, string TurnId, CodexTokenCounts Total, CodexTokenCounts Last, long? ModelContextWindow, string RawJson)
    : CodexMessage(RawJson);

public sealed record CodexTokenCounts(long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningOutputTokens, long TotalTokens);

/// <summary><c>thread/status/changed</c>: <paramref name="Status"/> is <c>active</c>, <c>idle</c>, <c>systemError</c>, ...</summary>
public sealed record CodexThreadStatusChanged(string ThreadId, string Status, string RawJson) : CodexMessage(RawJson);

/// <summary>
/// <c>error</c>: a failed model call. While <paramref name="WillRetry"/> codex tries again ("Reconnecting... n/5");
/// the last one is followed by a failed <see cref="CodexTurnCompleted"/>.
/// </summary>
public sealed record CodexErrorNotification(string? ThreadId, string? TurnId, string Message, bool WillRetry, string RawJson) : CodexMessage(RawJson);
