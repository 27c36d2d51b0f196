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
                Agent = launched.Agent,
                Prompt = launched.Prompt,
                Workdir = launched.Workdir,
                Model = launched.Model,
                MultiTurn = launched.MultiTurn,
                MaxAutoResponds = launched.MaxAutoResponds,
                Env = launched.Env,
                ResumedFromId = launched.ResumedFrom?.FromSessionId,
                ResumeAgentSessionId = launched.ResumedFrom?.AgentSessionId,
                AgentSessionId = null,
                Status = SessionStatus.Starting,
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
            },
            WaitingForInput e => Move(state, SessionStatus.WaitingForInput, e) with { WaitingReason = e.Reason },
            Responded e => Move(state, SessionStatus.Running, e) with
            {
                RespondCount = state.RespondCount + 1,
                AutoRespondCount = e.Auto ? state.AutoRespondCount + 1 : 0,
            },
            AgentProcessExited e => state with { Pid = null, ProcessStartTime = 0, LastExitCode = e.ExitCode, LastSignal = e.Signal },
            SessionCompleted e => Move(state, SessionStatus.Completed, e),
            SessionInterrupted e => Move(state, SessionStatus.Interrupted, e) with { StopReason = e.Reason },
            SessionKilled e => Move(state, SessionStatus.Killed, e),
            SessionFailed e => Move(state, SessionStatus.Failed, e) with { Error = e.Error },
            SessionResumedAs e => state with { ResumedAs = state.ResumedAs.Add(e.NewSessionId) },
            AgentFactApplied e => state with { LastFactSeq = Math.Max(state.LastFactSeq, e.Seq) },
            _ => state,
        };
        return next with { UpdatedAt = @event.At };
    }

    private static SessionState Move(SessionState state, SessionStatus to, SessionEvent @event) => state with
    {
        Status = to,
        WaitingReason = WaitingReason.None,
        FinishedAt = StatusTransitions.IsTerminal(to) ? @event.At : null,
    };
}
