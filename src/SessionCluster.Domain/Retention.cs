namespace SessionCluster.Domain;

/// <summary>How long finished sessions are kept, and how many (sessioncluster.retention).</summary>
/// <param name="MaxAge">A finished chain whose last session finished longer ago than this is pruned.</param>
/// <param name="MaxFinishedSessions">Beyond this many finished sessions, the oldest finished chains are pruned.</param>
public sealed record RetentionPolicy(TimeSpan MaxAge, int MaxFinishedSessions)
{
    public static readonly RetentionPolicy Default = new(TimeSpan.FromDays(30), 10_000);
}

/// <summary>A session retention removes, and why.</summary>
/// <param name="Chain">The ids of its resume chain, removed with it (<see cref="Prune.Chain"/>).</param>
public sealed record PruneCandidate(SessionState Session, string Reason, IReadOnlyList<string> Chain);

/// <summary>
/// Which finished sessions retention removes. Resume chains (A, resumed as B, resumed as C) are judged whole, by their
/// newest session: a chain is pruned only when every session in it is finished and owes no resume a launch, and then
/// all of it, so no kept session ever points at a pruned one and nothing in an unfinished chain is touched. A resume a
/// session recorded whose new session is not among <c>sessions</c> (the list lags the journal) makes its chain unfinished.
/// </summary>
public static class Retention
{
    /// <summary>
    /// The sessions to prune, newest chain first and, within a chain, oldest session first: a run stopped midway leaves
    /// a resume whose first session is gone (judged again next time), never a session that names a resume no longer
    /// there (which reads as a resume not yet listed, and would keep its chain for good).
    /// </summary>
    public static IReadOnlyList<PruneCandidate> Select(IReadOnlyCollection<SessionState> sessions, DateTimeOffset now, RetentionPolicy policy)
    {
        var candidates = new List<PruneCandidate>();
        var known = sessions.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var keptFinished = 0;
        foreach (var chain in Chains(sessions).OrderByDescending(LastActivity).ThenByDescending(c => c[0].Id, StringComparer.Ordinal))
        {
            var finished = chain.Count(s => s.IsFinished);
            if (!chain.TrueForAll(s => s.IsFinished && s.UnlaunchedResumes.IsEmpty && s.ResumedAs.TrueForAll(known.Contains)))
            {
                keptFinished += finished; // kept whole, and its finished sessions count among those kept
                continue;
            }

            var reason = now - LastActivity(chain) > policy.MaxAge
                ? $"finished more than {Describe(policy.MaxAge)} ago"
                : keptFinished + finished > policy.MaxFinishedSessions
                    ? $"beyond the newest {policy.MaxFinishedSessions} finished sessions"
                    : null;
            if (reason is null)
            {
                keptFinished += finished;
                continue;
            }

            var ids = chain.Select(s => s.Id).ToList();
            candidates.AddRange(chain.OrderBy(s => s.FinishedAt ?? s.UpdatedAt).ThenBy(s => s.CreatedAt).Select(s => new PruneCandidate(s, reason, ids)));
        }

        return candidates;
    }

    /// <summary>When the chain last changed: its newest session's finish (or last event, while one is live).</summary>
    private static DateTimeOffset LastActivity(List<SessionState> chain) => chain.Max(s => s.FinishedAt ?? s.UpdatedAt);

    /// <summary>The sessions grouped by resume links; a link to a session not among them (pruned before) is ignored.</summary>
    private static IEnumerable<List<SessionState>> Chains(IReadOnlyCollection<SessionState> sessions)
    {
        var byId = sessions.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var root = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string id)
        {
            while (root.TryGetValue(id, out var parent) && parent != id)
            {
                id = parent;
            }

            return id;
        }

        foreach (var session in sessions)
        {
            root.TryAdd(session.Id, session.Id);
            foreach (var linked in session.ResumedAs.Append(session.ResumedFromId ?? session.Id).Where(byId.ContainsKey))
            {
                root.TryAdd(linked, linked);
                var (a, b) = (Find(session.Id), Find(linked));
                if (a != b)
                {
                    root[a] = b;
                }
            }
        }

        return sessions.GroupBy(s => Find(s.Id), StringComparer.Ordinal).Select(g => g.ToList());
    }

    /// <summary>"30 days", "12 hours", "90 seconds": the limit as a reason reads it.</summary>
    public static string Describe(TimeSpan age) =>
        age.TotalDays >= 1 && age.TotalDays % 1 == 0 ? Plural((int)age.TotalDays, "day")
        : age.TotalHours >= 1 && age.TotalHours % 1 == 0 ? Plural((int)age.TotalHours, "hour")
        : age.TotalMinutes >= 1 && age.TotalMinutes % 1 == 0 ? Plural((int)age.TotalMinutes, "minute")
        : Plural((long)age.TotalSeconds, "second");

    private static string Plural(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
