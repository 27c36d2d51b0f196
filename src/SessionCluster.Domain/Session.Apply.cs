using System.Collections.Immutable;

namespace SessionCluster.Domain;

public static partial class Session
{
    /// <summary>The state after an event. Total: recovery replays whatever the journal holds.</summary>
    public static SessionState Apply(SessionState? state, SessionEvent @event)
    {
        if (@event is SessionLaunched launched)
        {
            return new SessionState
            {
                Id = launched.Id,
                Name = launched.Name,
                Launch = launched.Spec,
                Model = launched.Spec.Model,
                AgentSessionId = null,
                Status = SessionStatus.Starting,
                Node = launched.Placement?.Node,
                NodeId = launched.Placement?.NodeId,
                NodeAddress = launched.Placement?.Address,
                CreatedAt = launched.At,
                UpdatedAt = launched.At,
            };
        }

        if (state is null)
        {
            throw new InvalidOperationException($"{@event.GetType().Name} before SessionLaunched");
        }

        var next = @event switch
        {
            AgentProcessStarted e => state with
            {
                Node = e.Node,
                NodeId = e.NodeId,
                // The placed node's address stays; a process another node started (before placement) has none recorded.
                NodeAddress = e.NodeId == state.NodeId ? state.NodeAddress : null,
                Pid = e.Pid,
                ProcessStartTime = e.StartTime,
                ProcessCount = state.ProcessCount + 1,
                Status = state.Status == SessionStatus.Starting ? SessionStatus.Running : state.Status,
            },
            AgentSessionIdentified e => state with { AgentSessionId = e.AgentSessionId, Model = e.Model ?? state.Model },
            TurnCompleted e => state with
            {
                TurnsCompleted = state.TurnsCompleted + 1,
                CostUsd = Math.Max(state.CostUsd, e.TotalCostUsd),
                Usage = state.Usage.Add(e.Usage),
                LastTurnDenials = e.PermissionDenials,
                // A turn that said nothing leaves the last words where they were.
                LastText = e.LastText is null ? state.LastText : Tail.Of(e.LastText, SessionState.LastTextChars),
                ApiRetry = null,
            },
            WaitingForInput e => Move(state, SessionStatus.WaitingForInput, e) with { WaitingReason = e.Reason, Question = e.Question },
            Responded e => Move(state, SessionStatus.Running, e) with
            {
                RespondCount = state.RespondCount + 1,
                AutoRespondCount = e.Auto ? state.AutoRespondCount + 1 : 0,
            },
            PermissionRequested e => Requested(state, new PermissionRequest(e.RequestId, e.Tool, e.Summary, e.At)),
            PermissionDecided e => Decided(state, e),
            PermissionAnswerDelivered e => state with
            {
                UndeliveredPermissionAnswers = state.UndeliveredPermissionAnswers.RemoveAll(a => a.RequestId == e.RequestId),
            },
            ApiRetrying e => state with { ApiRetry = new ApiRetry(e.Attempt, e.Message, state.ApiRetry?.Since ?? e.At) },
            // Pending and queued requests and undelivered answers die with the process that asked.
            AgentProcessExited e => state with
            {
                Pid = null,
                ProcessStartTime = 0,
                LastExitCode = e.ExitCode,
                LastSignal = e.Signal,
                PendingPermission = null,
                QueuedPermissions = ImmutableList<PermissionRequest>.Empty,
                UndeliveredPermissionAnswers = ImmutableList<PermissionAnswer>.Empty,
            },
            SessionCompleted e => Move(state, SessionStatus.Completed, e),
            SessionInterrupted e => Move(state, SessionStatus.Interrupted, e) with { StopReason = e.Reason },
            SessionKilled e => Move(state, SessionStatus.Killed, e),
            SessionFailed e => Move(state, SessionStatus.Failed, e) with { Error = e.Error },
            SessionResumedAs e => state with
            {
                ResumedAs = state.ResumedAs.Add(e.NewSessionId),
                UnlaunchedResumes = e.Prompt is null ? state.UnlaunchedResumes : state.UnlaunchedResumes.Add(new PendingResume(e.NewSessionId, e.Prompt, e.At)),
            },
            // A refused launch withdraws the link: the id names some other session, or none.
            ResumedSessionLaunched e => state with
            {
                UnlaunchedResumes = state.UnlaunchedResumes.RemoveAll(p => p.NewSessionId == e.NewSessionId),
                ResumedAs = e.Refused is null ? state.ResumedAs : state.ResumedAs.Remove(e.NewSessionId),
            },
            AgentFactApplied e => state with { LastFactSeq = Math.Max(state.LastFactSeq, e.Seq) },
            _ => state,
        };
        return next with { UpdatedAt = @event.At };
    }

    private static SessionState Requested(SessionState state, PermissionRequest asked) =>
        state.PendingPermission is null
            ? state with { PendingPermission = asked }
            : state with { QueuedPermissions = state.QueuedPermissions.Add(asked) };

    private static SessionState Decided(SessionState state, PermissionDecided e)
    {
        var pending = state.PendingPermission;
        var answeredPending = pending is null || pending.RequestId == e.RequestId;
        var asked = answeredPending ? pending : state.QueuedPermissions.Find(q => q.RequestId == e.RequestId);
        var decision = new PermissionDecision(
            e.RequestId, asked?.Tool ?? string.Empty, asked?.Summary ?? string.Empty, e.Allowed, e.Message, e.By, asked?.RequestedAt ?? e.At, e.At);
        var recent = state.RecentPermissions.Add(decision);
        // The next queued request becomes pending and the session keeps waiting; with none left it runs again.
        var next = answeredPending ? state.QueuedPermissions.FirstOrDefault() : pending;
        var queued = answeredPending
            ? state.QueuedPermissions.IsEmpty ? state.QueuedPermissions : state.QueuedPermissions.RemoveAt(0)
            : state.QueuedPermissions.RemoveAll(q => q.RequestId == e.RequestId);
        var moved = next is null && state.Status == SessionStatus.WaitingForInput ? Move(state, SessionStatus.Running, e) : state;
        return moved with
        {
            PendingPermission = next,
            QueuedPermissions = queued,
            UndeliveredPermissionAnswers = state.UndeliveredPermissionAnswers.Add(new PermissionAnswer(e.RequestId, e.Allowed, e.Message, e.Remember)),
            PermissionsAllowed = state.PermissionsAllowed + (e.Allowed ? 1 : 0),
            PermissionsDenied = state.PermissionsDenied + (e.Allowed ? 0 : 1),
            RecentPermissions = recent.Count > SessionState.RecentPermissionsKept
                ? recent.RemoveRange(0, recent.Count - SessionState.RecentPermissionsKept)
                : recent,
        };
    }

    private static SessionState Move(SessionState state, SessionStatus to, SessionEvent @event)
    {
        var terminal = StatusTransitions.IsTerminal(to);
        return state with
        {
            Status = to,
            WaitingReason = WaitingReason.None,
            Question = null,
            FinishedAt = terminal ? @event.At : null,
            // Nobody can answer a finished session's request; its process is being stopped.
            PendingPermission = terminal ? null : state.PendingPermission,
            QueuedPermissions = terminal ? ImmutableList<PermissionRequest>.Empty : state.QueuedPermissions,
            UndeliveredPermissionAnswers = terminal ? ImmutableList<PermissionAnswer>.Empty : state.UndeliveredPermissionAnswers,
            ApiRetry = terminal ? null : state.ApiRetry,
        };
    }
}
