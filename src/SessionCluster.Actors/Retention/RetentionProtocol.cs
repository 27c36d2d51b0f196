using SessionCluster.Domain;

namespace SessionCluster.Actors.Retention;

/// <summary>
/// Prune what <paramref name="Policy"/> selects now (<see cref="Domain.Retention.Select"/>), or with
/// <paramref name="DryRun"/> only say what that would be. Replies with <see cref="PruneReport"/>, or a
/// <see cref="Akka.Actor.Status.Failure"/> while the session list is still being read.
/// </summary>
public sealed record PruneSessions(RetentionPolicy Policy, bool DryRun);

/// <param name="Pruned">The sessions removed (or, on a dry run, that would be), with why.</param>
/// <param name="Refused">Sessions selected but refused by their entity (live again meanwhile, say), with the reason.</param>
public sealed record PruneReport(bool DryRun, IReadOnlyList<PruneCandidate> Pruned, IReadOnlyList<PruneRefusal> Refused);

public sealed record PruneRefusal(string SessionId, string Reason);
