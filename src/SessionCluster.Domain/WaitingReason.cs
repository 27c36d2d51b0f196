namespace SessionCluster.Domain;

/// <summary>Why a session waits for input; <see cref="None"/> unless the status is waiting-for-input.</summary>
public enum WaitingReason
{
    None,
    NextTurn,
    Question,
    PermissionRequest,
}
