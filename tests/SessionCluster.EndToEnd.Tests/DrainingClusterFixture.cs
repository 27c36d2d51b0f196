namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A live cluster of three real node processes whose drain timeout is short, for tests that each make a different
/// member leave it (never the seed, the first node, through which they ask).
/// </summary>
public sealed class DrainingClusterFixture : ThreeNodeClusterFixture
{
    /// <summary>
    /// Long enough for a test to check the draining node and let a slow turn finish within it on a busy machine (a few
    /// sessionctl runs), short enough for a test to wait it out.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    protected override string ExtraHocon => $"sessioncluster.cluster.drain-timeout = {DrainTimeout.TotalSeconds:0}s";
}
