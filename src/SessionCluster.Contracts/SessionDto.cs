namespace SessionCluster.Contracts;

/// <summary>A session as the HTTP API shows it (camelCase JSON). Environment values are never shown, only names.</summary>
public sealed record SessionDto
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Agent { get; init; }
    public required string Prompt { get; init; }

    /// <summary>True in a session list when <see cref="Prompt"/> was cut to <see cref="ApiLimits.ListedPromptChars"/>.</summary>
    public bool PromptTruncated { get; init; }

    public required string Workdir { get; init; }
    public string? Model { get; init; }
    public bool MultiTurn { get; init; }
    /// <summary>One of <see cref="Api.PermissionModes"/>.</summary>
    public string PermissionMode { get; init; } = "ask";

    /// <summary>The notification channel the session named at launch; null: the node's default channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Launched with auto-resume: a lost node's session is resumed on another node (see ResumedAs).</summary>
    public bool AutoResume { get; init; }
    public required string Status { get; init; }
    public string? WaitingReason { get; init; }

    /// <summary>What the agent asks, while it waits with reason "question".</summary>
    public string? Question { get; init; }

    /// <summary>The permission request the session waits on (reason "permission"), if any.</summary>
    public PermissionRequestDto? PendingPermission { get; init; }

    /// <summary>Requests the agent asked after <see cref="PendingPermission"/>, oldest first: each becomes pending in turn.</summary>
    public IReadOnlyList<PermissionRequestDto> QueuedPermissions { get; init; } = [];

    public int PermissionsAllowed { get; init; }
    public int PermissionsDenied { get; init; }

    /// <summary>The last permission decisions, oldest first (at most <see cref="ApiLimits.RecentPermissions"/>).</summary>
    public IReadOnlyList<PermissionDecisionDto> RecentPermissions { get; init; } = [];

    /// <summary>How many tool uses the agent was refused in its last turn (by its own rules or by a deny).</summary>
    public int LastTurnDenials { get; init; }

    /// <summary>Set while the agent retries the model API (the session has not failed); cleared when a turn ends.</summary>
    public ApiRetryDto? ApiRetry { get; init; }
    public int TurnsCompleted { get; init; }
    public int RespondCount { get; init; }
    public int AutoRespondCount { get; init; }
    public int MaxAutoResponds { get; init; }
    public decimal CostUsd { get; init; }
    public TokenUsageDto Usage { get; init; } = new();
    public string? AgentSessionId { get; init; }
    public string? ResumedFromId { get; init; }

    /// <summary>The sessions started as resumes of this one, oldest first (the chain forward).</summary>
    public IReadOnlyList<string> ResumedAs { get; init; } = [];

    /// <summary>
    /// This session's id, then the session it resumed, back to the first (C, B, A); just its id when it resumed nothing.
    /// Set when one session is shown (GET, and the answers to its commands); empty in a session list.
    /// </summary>
    public IReadOnlyList<string> ResumeChain { get; init; } = [];
    /// <summary>The Akka address of the node that runs (ran) its process; its name for a session placed before addresses were recorded.</summary>
    public string? Node { get; init; }

    /// <summary>That node's host name.</summary>
    public string? NodeName { get; init; }
    public string? NodeId { get; init; }
    public int? Pid { get; init; }
    /// <summary>Why the session was interrupted when not by a person ("node stopped").</summary>
    public string? StopReason { get; init; }
    public int ProcessCount { get; init; }
    public int? LastExitCode { get; init; }
    public int? LastSignal { get; init; }
    public IReadOnlyList<string> EnvNames { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public ErrorContextDto? Error { get; init; }
}

/// <summary>What an agent asks to do and waits for a person to allow or deny.</summary>
public sealed record PermissionRequestDto
{
    public required string RequestId { get; init; }
    public required string Tool { get; init; }

    /// <summary>The command, the paths, or the agent's description: one bounded line.</summary>
    public required string Summary { get; init; }
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the request is denied if nobody answers.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A permission request and how it was answered.</summary>
public sealed record PermissionDecisionDto
{
    public required string RequestId { get; init; }
    public required string Tool { get; init; }
    public required string Summary { get; init; }

    /// <summary>"allow" or "deny".</summary>
    public required string Decision { get; init; }
    public string? Message { get; init; }

    /// <summary>Who answered: "api" for a person through the API, "timeout" when nobody did in time.</summary>
    public required string By { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}

/// <summary>The agent's model API failed and the agent tries again.</summary>
public sealed record ApiRetryDto
{
    public int Attempt { get; init; }
    public required string Message { get; init; }
    public DateTimeOffset Since { get; init; }
}

public sealed record TokenUsageDto
{
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheReadInputTokens { get; init; }
    public long CacheCreationInputTokens { get; init; }
}

/// <summary>Why a session failed and what to do about it.</summary>
public sealed record ErrorContextDto
{
    public required string Kind { get; init; }
    public required string Message { get; init; }
    public int? ExitCode { get; init; }
    public int? Signal { get; init; }
    public string StderrTail { get; init; } = "";
    public string OutputTail { get; init; } = "";
    public required string Suggestion { get; init; }
}

/// <summary>An RFC 7807 problem, as every 4xx and 5xx of the API carries it.</summary>
public sealed record ProblemDto
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
}
