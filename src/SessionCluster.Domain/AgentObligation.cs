namespace SessionCluster.Domain;

/// <summary>
/// What a session still needs its agent host to do, read off its state (<see cref="Session.ObligationOf"/>).
/// The entity asks again until the host's facts (or its answer that no such process exists) show it done.
/// </summary>
public enum AgentObligation
{
    None,

    /// <summary>Launched, and no agent process has reported yet.</summary>
    Start,

    /// <summary>Interrupted while its process is still recorded as alive.</summary>
    Interrupt,

    /// <summary>Killed (or failed) while its process is still recorded as alive.</summary>
    Kill,

    /// <summary>Permission answers are decided and the agent, still running, has not yet been confirmed to have them all.</summary>
    AnswerPermission,
}
