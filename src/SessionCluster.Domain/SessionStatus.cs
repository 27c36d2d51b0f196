namespace SessionCluster.Domain;

/// <summary>The one status a session is in. <see cref="StatusTransitions"/> says which may follow which.</summary>
public enum SessionStatus
{
    Starting,
    Running,
    WaitingForInput,
    Completed,
    Failed,
    Killed,
    Interrupted,
}
