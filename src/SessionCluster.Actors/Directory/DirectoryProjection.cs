using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// The directory's saved read model: every session's state as of journal offset <paramref name="Offset"/> (the
/// ordering of the last event folded in), so a restart reads only the events after it.
/// </summary>
public sealed record DirectoryProjection(IReadOnlyCollection<SessionState> Sessions, long Offset);
