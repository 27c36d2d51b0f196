using SessionCluster.Domain;

namespace SessionCluster.Actors.Directory;

/// <summary>
/// Where <see cref="SessionDirectory"/> keeps its <see cref="DirectoryProjection"/> between runs. Disposable: the
/// journal stays the source of truth, and a projection that is missing, of another version or unreadable is rebuilt
/// from the journal's first event.
/// </summary>
public interface IDirectoryProjectionStore
{
    /// <summary>The saved projection, or null when there is none that can be trusted (the caller then rebuilds it).</summary>
    DirectoryProjection? Load();

    /// <summary>
    /// Records <paramref name="changed"/> sessions, forgets the <paramref name="removed"/> ones (pruned), and the offset
    /// they are complete to, in one transaction.
    /// </summary>
    void Save(IReadOnlyCollection<SessionState> changed, long offset, IReadOnlyCollection<string>? removed = null);

    /// <summary>Forgets everything saved, before a rebuild from the journal's first event.</summary>
    void Clear();
}
