using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// Lists sessions, newest first (ties: the larger id first), at most <paramref name="Limit"/> of them, starting
/// after <paramref name="After"/>. Empty filters match everything. Replies with <see cref="SessionList"/>.
/// </summary>
public sealed record ListSessions(IReadOnlySet<SessionStatus> Statuses, string? Agent, int Limit = int.MaxValue, ListPosition? After = null)
{
    /// <summary>This query over the directory's sessions: the page, and whether more sessions follow it.</summary>
    public SessionList Answer(IEnumerable<SessionState> sessions)
    {
        var matching = sessions
            .Where(s => Statuses.Count == 0 || Statuses.Contains(s.Status))
            .Where(s => Agent is null || s.Agent == Agent)
            .Where(s => After is null || ListPosition.Of(s).IsAfter(After))
            .OrderByDescending(s => s.CreatedAt)
            .ThenByDescending(s => s.Id, StringComparer.Ordinal)
            .ToList();
        return matching.Count > Limit
            ? new SessionList(matching.GetRange(0, Limit), HasMore: true)
            : new SessionList(matching);
    }
}

/// <summary>A session's place in the newest-first order: where a page ends and the next begins.</summary>
public sealed record ListPosition(DateTimeOffset CreatedAt, string Id)
{
    public static ListPosition Of(SessionState session) => new(session.CreatedAt, session.Id);

    /// <summary>True when this position comes later in the newest-first order than <paramref name="other"/>.</summary>
    public bool IsAfter(ListPosition other) =>
        CreatedAt < other.CreatedAt || (CreatedAt == other.CreatedAt && string.CompareOrdinal(Id, other.Id) < 0);
}

public sealed record SessionList(IReadOnlyList<SessionState> Sessions, bool HasMore = false);

/// <summary>Drops pruned sessions from the list and from its saved projection (their journals are deleted).</summary>
public sealed record ForgetSessions(IReadOnlyCollection<string> Ids);

/// <summary>Asks the directory to answer <see cref="SessionListReady"/> once it has read the journal to its end (at once if it has).</summary>
public sealed record WhenSessionListReady
{
    public static readonly WhenSessionListReady Instance = new();
}

/// <summary>The directory has read the journal to its end: its list is complete.</summary>
public sealed record SessionListReady
{
    public static readonly SessionListReady Instance = new();
}
