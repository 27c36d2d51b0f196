using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// The directory's saved read model: every session's state as of journal offset <paramref name="Offset"/> (the
/// ordering of the last event folded in), so a restart reads only the events after it.
/// </summary>
/// <param name="JournalEnd">
/// The journal's last offset when the projection was loaded: at or below <paramref name="Offset"/> there is nothing to
/// read before following the journal live (the read journal's first poll would wait a refresh interval for nothing).
/// </param>
public sealed record DirectoryProjection(IReadOnlyCollection<SessionState> Sessions, long Offset, long JournalEnd = long.MaxValue);
