namespace SessionCluster.Domain;

/// <summary>
/// A session's resume chain: itself, the session it resumed, that one's, back to the first (C, B, A).
/// </summary>
/// <remarks>
/// A cycle cannot be made: a session's <see cref="SessionState.ResumedFromId"/> is fixed by its first event (the launch),
/// a launch is refused for an id that exists, and the session it names recorded the resume (so existed) before that
/// launch. Every step back is to an older session. The walk is still bounded and stops at a repeat, so a journal that
/// breaks the rule (edited by hand) cannot hang a GET.
/// </remarks>
public static class ResumeChain
{
    /// <summary>The longest chain walked; beyond it the chain is cut (its last id is then not the first session).</summary>
    public const int MaxLength = 1000;

    /// <summary>
    /// The chain from <paramref name="id"/> back, with <paramref name="resumedFromOf"/> telling each session's
    /// <see cref="SessionState.ResumedFromId"/> (null for the first, or one not known: the walk ends with it).
    /// </summary>
    public static IReadOnlyList<string> Walk(string id, Func<string, string?> resumedFromOf, int maxLength = MaxLength)
    {
        var chain = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? at = id; at is not null && chain.Count < maxLength && seen.Add(at); at = resumedFromOf(at))
        {
            chain.Add(at);
        }

        return chain;
    }
}
