using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// Asks the directory for the resume chain of session <paramref name="Id"/> (itself first, back to the first session),
/// whose own <see cref="SessionState.ResumedFromId"/> is <paramref name="ResumedFromId"/>: the caller read it from the
/// session, so a session the directory has not yet projected still gets its first step. Replies with <see cref="ResumeChainOf"/>.
/// </summary>
public sealed record GetResumeChain(string Id, string? ResumedFromId)
{
    /// <summary>This query over the directory's sessions: a walk of <see cref="ResumeChain"/>, bounded and cycle-safe.</summary>
    public ResumeChainOf Answer(IReadOnlyDictionary<string, SessionState> sessions) => new(
        Id,
        ResumeChain.Walk(Id, id => id == Id ? ResumedFromId : sessions.GetValueOrDefault(id)?.ResumedFromId));
}

/// <summary>The resume chain of session <paramref name="Id"/>: its id first, then each session it continues, back to the first.</summary>
public sealed record ResumeChainOf(string Id, IReadOnlyList<string> Chain);
