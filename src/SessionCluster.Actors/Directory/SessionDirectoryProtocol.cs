using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>Lists sessions, newest first. Empty filters match everything. Replies with <see cref="SessionList"/>.</summary>
public sealed record ListSessions(IReadOnlySet<SessionStatus> Statuses, string? Agent);

public sealed record SessionList(IReadOnlyList<SessionState> Sessions);
