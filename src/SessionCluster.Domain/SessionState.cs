using System.Collections.Immutable;

namespace SessionCluster.Domain;

/// <summary>
/// A session as its journal tells it. Only <see cref="Session.Apply"/> makes a new one;
/// every field is derived from the events, nothing else writes it.
/// </summary>
public sealed record SessionState
{
    public const int DefaultMaxAutoResponds = 10;

    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>What the session was launched to do, and how (as journaled, with the node's defaults resolved).</summary>
    public required LaunchSpec Launch { get; init; }

    public string Agent => Launch.Agent;
    public string Prompt => Launch.Prompt;
    public string Workdir => Launch.Workdir;

    /// <summary>The model the agent runs: the launch's, until the agent names its own.</summary>
    public string? Model { get; init; }

    public bool MultiTurn => Launch.MultiTurn;

    /// <summary>The session's own environment variables. Values may be secrets: never show them.</summary>
    public ImmutableSortedDictionary<string, string> Env => Launch.Env;

    public PermissionMode PermissionMode => Launch.PermissionMode;

    public SessionStatus Status { get; init; }
    public WaitingReason WaitingReason { get; init; }
    public int TurnsCompleted { get; init; }
    public int RespondCount { get; init; }
    public int AutoRespondCount { get; init; }
    public int MaxAutoResponds => Launch.MaxAutoResponds;
    public decimal CostUsd { get; init; }
    public TokenUsage Usage { get; init; } = TokenUsage.Zero;

    /// <summary>The agent's own conversation id (Claude's session_id, Codex's thread_id).</summary>
    public string? AgentSessionId { get; init; }

    public string? ResumedFromId => Launch.ResumedFrom?.FromSessionId;

    /// <summary>The agent conversation this session continues (the resumed-from session's <see cref="AgentSessionId"/>).</summary>
    public string? ResumeAgentSessionId => Launch.ResumedFrom?.AgentSessionId;

    /// <summary>Sessions started as resumes of this one, oldest first.</summary>
    public ImmutableList<string> ResumedAs { get; init; } = ImmutableList<string>.Empty;

    /// <summary>The resumes of this session whose new session has not yet answered its launch, oldest first.</summary>
    public ImmutableList<PendingResume> UnlaunchedResumes { get; init; } = ImmutableList<PendingResume>.Empty;

    /// <summary>Name of the node that runs (or last ran) this session's agent.</summary>
    public string? Node { get; init; }

    /// <summary>Stable id of that node; empty in sessions recorded before node ids existed.</summary>
    public string? NodeId { get; init; }

    /// <summary>Akka address of that node when the session was placed there; null for sessions launched before placement.</summary>
    public string? NodeAddress { get; init; }

    /// <summary>Pid of the agent process now running for this session, if any.</summary>
    public int? Pid { get; init; }

    /// <summary>That process's start time from /proc (0 when unknown), so a reused pid is never taken for it.</summary>
    public long ProcessStartTime { get; init; }

    /// <summary>The last agent fact applied (<see cref="RecordAgentFact.Seq"/>); a fact at or below it is a redelivery.</summary>
    public long LastFactSeq { get; init; }

    /// <summary>Why the session was interrupted, when not by a person ("node stopped").</summary>
    public string? StopReason { get; init; }

    /// <summary>How many agent processes this session has started so far.</summary>
    public int ProcessCount { get; init; }

    public int? LastExitCode { get; init; }
    public int? LastSignal { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public ErrorContext? Error { get; init; }

    /// <summary>The tool use a person answers now: the oldest the agent waits to have allowed or denied, if any.</summary>
    public PermissionRequest? PendingPermission { get; init; }

    /// <summary>The requests the agent asked after <see cref="PendingPermission"/> (parallel tool uses), oldest first; each becomes pending in turn.</summary>
    public ImmutableList<PermissionRequest> QueuedPermissions { get; init; } = ImmutableList<PermissionRequest>.Empty;

    /// <summary>The decided answers the agent has not yet been confirmed to have (<see cref="AgentObligation.AnswerPermission"/>), oldest first.</summary>
    public ImmutableList<PermissionAnswer> UndeliveredPermissionAnswers { get; init; } = ImmutableList<PermissionAnswer>.Empty;

    public int PermissionsAllowed { get; init; }
    public int PermissionsDenied { get; init; }

    /// <summary>The last <see cref="RecentPermissionsKept"/> decisions, oldest first.</summary>
    public ImmutableList<PermissionDecision> RecentPermissions { get; init; } = ImmutableList<PermissionDecision>.Empty;

    /// <summary>What the agent asks, while it waits on a question.</summary>
    public string? Question { get; init; }

    /// <summary>How many tool uses the agent was refused in its last completed turn.</summary>
    public int LastTurnDenials { get; init; }

    /// <summary>
    /// What the agent said last, at the end of its latest turn that said something: at most the last
    /// <see cref="LastTextChars"/> characters. Null until a turn reports it (and in sessions recorded before it was kept).
    /// </summary>
    public string? LastText { get; init; }

    /// <summary>The longest <see cref="LastText"/>: enough for a notification's preview, small enough to journal with every turn.</summary>
    public const int LastTextChars = 500;

    /// <summary>The agent retries the model API now; null once a turn ends or the session finishes.</summary>
    public ApiRetry? ApiRetry { get; init; }

    public const int RecentPermissionsKept = 20;

    public bool IsLive => StatusTransitions.IsLive(Status);

    public bool IsFinished => StatusTransitions.IsTerminal(Status);
}
