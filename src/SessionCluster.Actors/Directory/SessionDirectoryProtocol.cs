using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>Lists sessions, newest first. Empty filters match everything. Replies with <see cref="SessionList"/>.</summary>
public sealed record ListSessions(IReadOnlySet<SessionStatus> Statuses, string? Agent);

public sealed record SessionList(IReadOnlyList<SessionState> Sessions);

/// <summary>Asks whether the directory has read the whole journal once. Replies with <see cref="DirectoryStatus"/>.</summary>
public sealed record GetDirectoryStatus
{
    public static readonly GetDirectoryStatus Instance = new();
}

public sealed record DirectoryStatus(bool CaughtUp, int Sessions);
