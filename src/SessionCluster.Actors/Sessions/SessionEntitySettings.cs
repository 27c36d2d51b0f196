namespace SessionCluster.Actors.Sessions;

/// <param name="SnapshotEvery">Save a snapshot after every this many events.</param>
/// <param name="PassivateWhenFinishedAfter">A finished session leaves memory after this long without messages.</param>
public sealed record SessionEntitySettings(int SnapshotEvery, TimeSpan PassivateWhenFinishedAfter)
{
    public static readonly SessionEntitySettings Default = new(100, TimeSpan.FromMinutes(2));
}
