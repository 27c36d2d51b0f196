namespace SessionCluster.Domain;

/// <summary>What someone (a person, or the node on the agent's behalf) asks of a session, in the imperative.</summary>
public abstract record SessionCommand(DateTimeOffset At);

/// <param name="Placement">The agent host chosen for the session (null: the agent host of the entity's own node, as in tests).</param>
public sealed record LaunchSession(string Id, string Name, LaunchSpec Spec, DateTimeOffset At, Placement.AgentHostPlacement? Placement = null) : SessionCommand(At);

public sealed record RecordProcessStarted(string Node, int Pid, DateTimeOffset At, string NodeId = "", long StartTime = 0) : SessionCommand(At);

public sealed record RecordAgentSessionId(string AgentSessionId, string? Model, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent's end-of-turn report. An error result fails the session when its process exits.</summary>
/// <param name="LastText">What the agent said last in the turn (its result text), at most its last
/// <see cref="SessionState.LastTextChars"/> characters; null when it said nothing or the host did not say.</param>
public sealed record RecordTurnResult(
    decimal TotalCostUsd,
    TokenUsage Usage,
    bool IsError,
    WaitingReason NextWaitingReason,
    DateTimeOffset At,
    string? Question = null,
    int PermissionDenials = 0,
    string? LastText = null) : SessionCommand(At);

/// <summary>The agent asks before it uses a tool, and waits for the answer.</summary>
public sealed record RecordPermissionRequest(string RequestId, string Tool, string Summary, DateTimeOffset At) : SessionCommand(At);

/// <summary>
/// Allow or deny the pending permission request: a person through the API (<paramref name="By"/> "api") or the
/// timeout ("timeout"). <paramref name="RequestId"/> null means the one pending now.
/// </summary>
public sealed record AnswerPermission(string? RequestId, bool Allow, string? Message, bool Remember, string By, DateTimeOffset At)
    : SessionCommand(At)
{
    public const string ByApi = "api";
    public const string ByTimeout = "timeout";

    /// <summary>The denial the timeout sends when nobody answered request <paramref name="requestId"/> within <paramref name="timeout"/>.</summary>
    public static AnswerPermission TimedOut(string requestId, TimeSpan timeout, DateTimeOffset at) =>
        new(requestId, false, $"no one answered within {Describe(timeout)}; denied automatically", false, ByTimeout, at);

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0
            ? $"{(long)span.TotalMinutes} minute{((long)span.TotalMinutes == 1 ? "" : "s")}"
            : $"{span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} seconds";
}

/// <summary>The agent host wrote the answer to request <paramref name="RequestId"/> to the agent (or the agent had it already).</summary>
public sealed record RecordPermissionAnswered(string RequestId, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent asks the person a question in the middle of a turn and waits; the next respond answers it.</summary>
public sealed record RecordQuestion(string Text, DateTimeOffset At) : SessionCommand(At);

/// <summary>A model API call failed and the agent tries again (attempt <paramref name="Attempt"/>).</summary>
public sealed record RecordApiRetry(int Attempt, string Message, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent process ended; <see cref="AgentExit"/> holds what was seen of it.</summary>
public sealed record RecordProcessExit(AgentExit Exit, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent process could not be started at all.</summary>
public sealed record RecordLaunchFailure(ErrorKind Kind, string Message, string Node, DateTimeOffset At) : SessionCommand(At);

public sealed record Respond(string Message, bool Auto, DateTimeOffset At) : SessionCommand(At);

/// <param name="Reason">Why, when it is not a person's interrupt (e.g. "node stopped").</param>
public sealed record Interrupt(DateTimeOffset At, string? Reason = null) : SessionCommand(At);

public sealed record Kill(DateTimeOffset At) : SessionCommand(At);

/// <summary>
/// Continue this finished session as a new one with id <paramref name="NewSessionId"/>, which must be new. The session
/// records the link and then launches the new session itself (<see cref="Session.LaunchOf"/>), until it answers.
/// </summary>
/// <param name="Prompt">The new session's first prompt; null or blank for <see cref="Session.DefaultResumePrompt"/>.</param>
public sealed record Resume(string NewSessionId, DateTimeOffset At, string? Prompt = null) : SessionCommand(At);

/// <summary>
/// Remove this finished session for good (retention, <see cref="Retention"/>): its journal, snapshots and event log.
/// Refused while it is live or still owes a resume its launch.
/// </summary>
/// <param name="Chain">The ids removed with it (its resume chain as retention saw it), or null for no check. A session
/// resumed as an id not among them is refused: the list retention judged by lags the journal, and that resume may be live.</param>
public sealed record Prune(DateTimeOffset At, IReadOnlyList<string>? Chain = null) : SessionCommand(At);

/// <summary>The node that ran this session's agent is gone (restarted, crashed, left the cluster).</summary>
/// <param name="Node">The lost node's name.</param>
/// <param name="NodeId">Its stable id; sessions that recorded one are matched by it alone.</param>
public sealed record MarkNodeLost(string Node, DateTimeOffset At, string NodeId = "") : SessionCommand(At);

/// <summary>
/// A fact the agent host reports (<see cref="RecordProcessStarted"/>, <see cref="RecordAgentSessionId"/>,
/// <see cref="RecordTurnResult"/>, <see cref="RecordProcessExit"/>, <see cref="RecordLaunchFailure"/>,
/// <see cref="RecordPermissionRequest"/>, <see cref="RecordPermissionAnswered"/>, <see cref="RecordQuestion"/>,
/// <see cref="RecordApiRetry"/>), numbered 1, 2, 3...
/// per agent run. Delivered at least once; applied once, in order.
/// </summary>
public sealed record RecordAgentFact(long Seq, SessionCommand Fact, DateTimeOffset At) : SessionCommand(At);

/// <summary>What was seen of an agent process when it ended. Tails are already free of secrets.</summary>
public sealed record AgentExit(
    int? ExitCode,
    int? Signal,
    string StderrTail,
    string OutputTail,
    ErrorKind? ObservedFailure,
    string? ObservedFailureMessage);
