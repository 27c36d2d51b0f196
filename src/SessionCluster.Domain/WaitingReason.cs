namespace SessionCluster.Domain;

/// <summary>Why a session waits for input; <see cref="None"/> unless the status is waiting-for-input.</summary>
public enum WaitingReason
{
    None,
    NextTurn,
    Question,

    /// <summary>The agent asks to use a tool and waits until a person (or the timeout) allows or denies it.</summary>
    Permission,
}
