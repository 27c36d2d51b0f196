namespace SessionCluster.Domain;

public static partial class Session
{
    /// <summary>What the agent host still owes this session. Completed sessions owe nothing: their agent ends on its own.</summary>
    public static AgentObligation ObligationOf(SessionState state) => state switch
    {
        { Status: SessionStatus.Starting, ProcessCount: 0 } => AgentObligation.Start,
        { Pid: not null, Status: SessionStatus.Interrupted } => AgentObligation.Interrupt,
        { Pid: not null, Status: SessionStatus.Killed or SessionStatus.Failed } => AgentObligation.Kill,
        // After the stops: an answer is no use to a process being stopped.
        { Pid: not null, IsLive: true, UndeliveredPermissionAnswers.IsEmpty: false } => AgentObligation.AnswerPermission,
        _ => AgentObligation.None,
    };
}
