namespace SessionCluster.Domain;

/// <summary>What happened to a session, in the past tense. The journal stores these; never change one's meaning.</summary>
public abstract record SessionEvent(DateTimeOffset At);

/// <summary>The session was accepted. Status: starting.</summary>
/// <param name="Placement">The agent host chosen to run the session; null in events written before placement (their node is known from <see cref="AgentProcessStarted"/>).</param>
public sealed record SessionLaunched(string Id, string Name, LaunchSpec Spec, DateTimeOffset At, Placement.AgentHostPlacement? Placement = null) : SessionEvent(At);

/// <summary>An agent process started on a node. Status: running (a finished session stays finished: its process must be stopped).</summary>
/// <param name="Node">The node's human name.</param>
/// <param name="NodeId">The node's stable id (empty in events written before node ids existed).</param>
/// <param name="StartTime">The process's start time from /proc (clock ticks since boot; 0 when unknown): with the pid, it tells a leftover from a reused pid.</param>
public sealed record AgentProcessStarted(string Node, int Pid, DateTimeOffset At, string NodeId = "", long StartTime = 0) : SessionEvent(At);

/// <summary>The agent told its own conversation id (and model).</summary>
public sealed record AgentSessionIdentified(string AgentSessionId, string? Model, DateTimeOffset At) : SessionEvent(At);

/// <summary>The agent finished a turn. <paramref name="TotalCostUsd"/> is the session's cost so far as the agent reports it.</summary>
/// <param name="PermissionDenials">How many tool uses the agent was refused in the turn (by its own rules or by an answer).</param>
/// <param name="LastText">What the agent said last in the turn, at most its last <see cref="SessionState.LastTextChars"/>
/// characters (for notifications: the waiting text, the final message's preview); null in events written before it, or when it said nothing.</param>
public sealed record TurnCompleted(decimal TotalCostUsd, TokenUsage Usage, DateTimeOffset At, int PermissionDenials = 0, string? LastText = null)
    : SessionEvent(At);

/// <summary>The agent waits for a person (or an auto-responder). Status: waiting-for-input.</summary>
/// <param name="Question">What the agent asks, when <paramref name="Reason"/> is a question.</param>
public sealed record WaitingForInput(WaitingReason Reason, DateTimeOffset At, string? Question = null) : SessionEvent(At);

/// <summary>
/// The agent asks to use a tool. The first one pending is followed by a <see cref="WaitingForInput"/> for
/// <see cref="WaitingReason.Permission"/>; one asked while another is pending is queued behind it.
/// </summary>
public sealed record PermissionRequested(string RequestId, string Tool, string Summary, DateTimeOffset At) : SessionEvent(At);

/// <summary>
/// A pending (or queued) request was allowed or denied, by "api" (a person) or "timeout". Status: running once no
/// request is left; while one is queued it becomes the pending one and the session keeps waiting.
/// </summary>
public sealed record PermissionDecided(string RequestId, bool Allowed, string? Message, bool Remember, string By, DateTimeOffset At)
    : SessionEvent(At);

/// <summary>The decided answer reached the agent.</summary>
public sealed record PermissionAnswerDelivered(string RequestId, DateTimeOffset At) : SessionEvent(At);

/// <summary>The agent's model API call failed and it tries again; cleared when the turn ends.</summary>
public sealed record ApiRetrying(int Attempt, string Message, DateTimeOffset At) : SessionEvent(At);

/// <summary>Input was sent to the agent. Status: running.</summary>
public sealed record Responded(string Message, bool Auto, DateTimeOffset At) : SessionEvent(At);

/// <summary>The agent process ended (after the session finished, or as the reason it failed).</summary>
public sealed record AgentProcessExited(int? ExitCode, int? Signal, DateTimeOffset At) : SessionEvent(At);

/// <summary>Status: completed.</summary>
public sealed record SessionCompleted(DateTimeOffset At) : SessionEvent(At);

/// <summary>A graceful stop, asked for by a person or by the node stopping. Status: interrupted.</summary>
/// <param name="Reason">Why, when it was not a person's interrupt (e.g. "node stopped").</param>
public sealed record SessionInterrupted(DateTimeOffset At, string? Reason = null) : SessionEvent(At);

/// <summary>A person asked for a hard stop. Status: killed.</summary>
public sealed record SessionKilled(DateTimeOffset At) : SessionEvent(At);

/// <summary>Status: failed, with why and how to recover.</summary>
public sealed record SessionFailed(ErrorContext Error, DateTimeOffset At) : SessionEvent(At);

/// <summary>
/// A new session continues this one: the forward half of a resume link. This session now owes the new one its launch
/// (<see cref="SessionState.UnlaunchedResumes"/>) until <see cref="ResumedSessionLaunched"/>.
/// </summary>
/// <param name="Prompt">The new session's first prompt, resolved. Null in events written when the HTTP handler launched
/// the new session itself: those owe nothing.</param>
public sealed record SessionResumedAs(string NewSessionId, DateTimeOffset At, string? Prompt = null) : SessionEvent(At);

/// <summary>
/// The session resumed as <paramref name="NewSessionId"/> answered its launch: it exists as this one's resume, or
/// (<paramref name="Refused"/> set) it refused, and the link is withdrawn.
/// </summary>
public sealed record ResumedSessionLaunched(string NewSessionId, DateTimeOffset At, string? Refused = null) : SessionEvent(At);

/// <summary>
/// The session is removed by retention: the shells forget it (the entity deletes its journal and snapshots, the directory
/// drops it), and this event, the journal's last, is all that stays, marked deleted, to keep the sequence number.
/// <see cref="Session.Apply"/> leaves the state as it is; nothing follows it.
/// </summary>
public sealed record SessionPruned(DateTimeOffset At) : SessionEvent(At);

/// <summary>The agent host's fact number <paramref name="Seq"/> has been applied: a redelivery of it (or of any earlier one) changes nothing.</summary>
public sealed record AgentFactApplied(long Seq, DateTimeOffset At) : SessionEvent(At);

/// <summary>
/// A person must be told: journaled in the same write as the event that caused it (the journal is the outbox), and
/// delivered at least once by the notifier with the id <see cref="Notifications.Notification.IdOf"/> this event's
/// sequence number. <see cref="Session.Apply"/> leaves the state as it is.
/// </summary>
public sealed record NotificationRaised(Notifications.Notification Notification, DateTimeOffset At) : SessionEvent(At);
