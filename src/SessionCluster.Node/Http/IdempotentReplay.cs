using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>
/// Whether a retried launch or resume asks for the session its key already made. Compared with the session
/// itself, so nothing else is stored: every launch field but the model (the agent may report a fuller name for it).
/// </summary>
public static class IdempotentReplay
{
    /// <summary>The first field in which <paramref name="existing"/> differs from <paramref name="wanted"/>, or null for a true retry.</summary>
    public static string? Difference(SessionState existing, LaunchSession wanted) =>
        existing.Agent != wanted.Agent ? "agent" :
        existing.Prompt != wanted.Prompt ? "prompt" :
        existing.Workdir != wanted.Workdir ? "workdir" :
        existing.Name != wanted.Name ? "name" :
        existing.MultiTurn != wanted.MultiTurn ? "multiTurn" :
        existing.MaxAutoResponds != wanted.MaxAutoResponds ? "maxAutoResponds" :
        !existing.Env.SequenceEqual(wanted.Env) ? "env" :
        existing.ResumedFromId != wanted.ResumedFrom?.FromSessionId ? "the session resumed" :
        null;
}
