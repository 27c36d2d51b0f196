using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>Domain state to the API's shape. Environment values stay inside: only their names go out.</summary>
public static class SessionDtoMapper
{
    /// <summary>A session as a list shows it: the prompt cut to <see cref="ApiLimits.ListedPromptChars"/> characters.</summary>
    public static SessionDto ToListDto(this SessionState s, TimeSpan? permissionTimeout = null)
    {
        var dto = s.ToDto(permissionTimeout);
        return dto.Prompt.Length <= ApiLimits.ListedPromptChars
            ? dto
            : dto with { Prompt = FieldText.Cut(dto.Prompt, ApiLimits.ListedPromptChars), PromptTruncated = true };
    }

    /// <param name="permissionTimeout">How long a request waits before it is denied (for its expiry); 30 minutes when not given.</param>
    /// <param name="resumeChain">The session's resume chain (the directory's walk); none in a list.</param>
    public static SessionDto ToDto(this SessionState s, TimeSpan? permissionTimeout = null, IReadOnlyList<string>? resumeChain = null) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Agent = s.Agent,
        Prompt = s.Prompt,
        Workdir = s.Workdir,
        Model = s.Model,
        MultiTurn = s.MultiTurn,
        PermissionMode = s.PermissionMode.ToWire(),
        Channel = s.Launch.Channel,
        AutoResume = s.Launch.AutoResume,
        Status = s.Status.ToWire(),
        WaitingReason = s.Status == SessionStatus.WaitingForInput ? s.WaitingReason.ToWire() : null,
        TurnsCompleted = s.TurnsCompleted,
        RespondCount = s.RespondCount,
        AutoRespondCount = s.AutoRespondCount,
        MaxAutoResponds = s.MaxAutoResponds,
        CostUsd = s.CostUsd,
        Usage = new TokenUsageDto
        {
            InputTokens = s.Usage.InputTokens,
            OutputTokens = s.Usage.OutputTokens,
            CacheReadInputTokens = s.Usage.CacheReadInputTokens,
            CacheCreationInputTokens = s.Usage.CacheCreationInputTokens,
        },
        AgentSessionId = s.AgentSessionId,
        ResumedFromId = s.ResumedFromId,
        ResumedAs = s.ResumedAs,
        ResumeChain = resumeChain ?? [],
        Node = s.NodeAddress ?? s.Node,
        NodeName = s.Node,
        NodeId = string.IsNullOrEmpty(s.NodeId) ? null : s.NodeId,
        Pid = s.Pid,
        StopReason = s.StopReason,
        ProcessCount = s.ProcessCount,
        LastExitCode = s.LastExitCode,
        LastSignal = s.LastSignal,
        EnvNames = s.Env.Keys.ToList(),
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        FinishedAt = s.FinishedAt,
        Error = s.Error is { } e
            ? new ErrorContextDto
            {
                Kind = e.Kind.ToWire(),
                Message = e.Message,
                ExitCode = e.ExitCode,
                Signal = e.Signal,
                StderrTail = e.StderrTail,
                OutputTail = e.OutputTail,
                Suggestion = e.Suggestion,
            }
            : null,
        Question = s.Status == SessionStatus.WaitingForInput ? s.Question : null,
        PendingPermission = s.PendingPermission is { } asked ? ToDto(asked, permissionTimeout) : null,
        QueuedPermissions = s.QueuedPermissions.Select(queued => ToDto(queued, permissionTimeout)).ToList(),
        PermissionsAllowed = s.PermissionsAllowed,
        PermissionsDenied = s.PermissionsDenied,
        RecentPermissions = s.RecentPermissions.Select(d => new PermissionDecisionDto
        {
            RequestId = d.RequestId,
            Tool = d.Tool,
            Summary = d.Summary,
            Decision = d.Allowed ? Api.Allow : Api.Deny,
            Message = d.Message,
            By = d.By,
            RequestedAt = d.RequestedAt,
            DecidedAt = d.DecidedAt,
        }).ToList(),
        LastTurnDenials = s.LastTurnDenials,
        ApiRetry = s.ApiRetry is { } retry ? new ApiRetryDto { Attempt = retry.Attempt, Message = retry.Message, Since = retry.Since } : null,
    };

    private static PermissionRequestDto ToDto(PermissionRequest asked, TimeSpan? permissionTimeout) => new()
    {
        RequestId = asked.RequestId,
        Tool = asked.Tool,
        Summary = asked.Summary,
        RequestedAt = asked.RequestedAt,
        ExpiresAt = asked.RequestedAt + (permissionTimeout ?? SessionEntitySettings.DefaultPermissionTimeout),
    };
}
