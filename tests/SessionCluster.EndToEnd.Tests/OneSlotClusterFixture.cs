namespace SessionCluster.EndToEnd.Tests;

/// <summary>Three real nodes on one PostgreSQL whose agent hosts each run one live session at most.</summary>
public sealed class OneSlotClusterFixture : ThreeNodeClusterFixture
{
    protected override string ExtraHocon => "sessioncluster.agents.max-live-sessions = 1";
}
