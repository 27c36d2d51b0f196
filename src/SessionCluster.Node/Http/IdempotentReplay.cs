using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>
/// Whether a retried launch or resume asks for the session its key already made. Compared with the session
/// itself, so nothing else is stored: every launch field but the model (the agent may report a fuller name for it).
/// </summary>
public static class IdempotentReplay
{
    /// <summary>The first field in which <paramref name="existing"/> differs from <paramref name="wanted"/>, or null for a true retry.</summary>
    public static string? Difference(SessionState existing, LaunchSession wanted)
    {
        var (had, want) = (existing.Launch, wanted.Spec);
        return had.Agent != want.Agent ? "agent" :
            had.Prompt != want.Prompt ? "prompt" :
            had.Workdir != want.Workdir ? "workdir" :
            existing.Name != wanted.Name ? "name" :
            had.MultiTurn != want.MultiTurn ? "multiTurn" :
            had.MaxAutoResponds != want.MaxAutoResponds ? "maxAutoResponds" :
            had.PermissionMode != want.PermissionMode ? "permissionMode" :
            had.Channel != want.Channel ? "channel" :
            had.AutoResume != want.AutoResume ? "autoResume" :
            had.Node != want.Node ? "node" :
            !had.Env.SequenceEqual(want.Env) ? "env" :
            had.ResumedFrom?.FromSessionId != want.ResumedFrom?.FromSessionId ? "the session resumed" :
            null;
    }
}
