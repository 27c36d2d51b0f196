namespace SessionCluster.Contracts;

/// <summary>A session retention removed (or would remove), and why.</summary>
public sealed record PrunedSessionDto(string Id, string Name, string Agent, string Status, DateTimeOffset? FinishedAt, string Reason);

/// <summary>A session retention selected but its entity refused (it became live again, say).</summary>
public sealed record PruneRefusalDto(string Id, string Reason);

/// <summary>POST /api/sessions/prune: what was removed, or with <paramref name="DryRun"/> what would be.</summary>
public sealed record PruneDto(bool DryRun, string OlderThan, int Keep, IReadOnlyList<PrunedSessionDto> Pruned, IReadOnlyList<PruneRefusalDto> Refused);
