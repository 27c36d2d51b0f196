using System.Collections.Immutable;

namespace SessionCluster.Domain;

/// <summary>What someone (a person, or the node on the agent's behalf) asks of a session, in the imperative.</summary>
public abstract record SessionCommand(DateTimeOffset At);

public sealed record LaunchSession(
    string Id,
    string Name,
    string Agent,
    string Prompt,
    string Workdir,
    string? Model,
    bool MultiTurn,
    int MaxAutoResponds,
    ImmutableSortedDictionary<string, string> Env,
    ResumeLink? ResumedFrom,
    DateTimeOffset At) : SessionCommand(At);

public sealed record RecordProcessStarted(string Node, int Pid, DateTimeOffset At, string NodeId = "", long StartTime = 0) : SessionCommand(At);

public sealed record RecordAgentSessionId(string AgentSessionId, string? Model, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent's end-of-turn report. An error result fails the session when its process exits.</summary>
public sealed record RecordTurnResult(
    decimal TotalCostUsd,
    TokenUsage Usage,
    bool IsError,
    WaitingReason NextWaitingReason,
    DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent process ended; <see cref="AgentExit"/> holds what was seen of it.</summary>
public sealed record RecordProcessExit(AgentExit Exit, DateTimeOffset At) : SessionCommand(At);

/// <summary>The agent process could not be started at all.</summary>
public sealed record RecordLaunchFailure(ErrorKind Kind, string Message, string Node, DateTimeOffset At) : SessionCommand(At);

public sealed record Respond(string Message, bool Auto, DateTimeOffset At) : SessionCommand(At);

/// <param name="Reason">Why, when it is not a person's interrupt (e.g. "node stopped").</param>
public sealed record Interrupt(DateTimeOffset At, string? Reason = null) : SessionCommand(At);

public sealed record Kill(DateTimeOffset At) : SessionCommand(At);

/// <summary>Continue this finished session as a new one with id <paramref name="NewSessionId"/>.</summary>
public sealed record Resume(string NewSessionId, DateTimeOffset At) : SessionCommand(At);

/// <summary>The node that ran this session's agent is gone (restarted, crashed, left the cluster).</summary>
/// <param name="Node">The lost node's name.</param>
/// <param name="NodeId">Its stable id; sessions that recorded one are matched by it alone.</param>
public sealed record MarkNodeLost(string Node, DateTimeOffset At, string NodeId = "") : SessionCommand(At);

/// <summary>
/// A fact the agent host reports (<see cref="RecordProcessStarted"/>, <see cref="RecordAgentSessionId"/>,
/// <see cref="RecordTurnResult"/>, <see cref="RecordProcessExit"/>, <see cref="RecordLaunchFailure"/>), numbered 1, 2, 3...
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
