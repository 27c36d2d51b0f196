namespace SessionCluster.Actors.Sessions;

/// <param name="SnapshotEvery">Save a snapshot after every this many events.</param>
/// <param name="PassivateWhenFinishedAfter">A finished session leaves memory after this long without messages.</param>
/// <param name="AskAgentHostAgainAfter">How often a session repeats what it still needs of its agent host (start, stop).</param>
public sealed record SessionEntitySettings(int SnapshotEvery, TimeSpan PassivateWhenFinishedAfter, TimeSpan AskAgentHostAgainAfter)
{
    public static readonly SessionEntitySettings Default = new(100, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5));
}
