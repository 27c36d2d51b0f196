using Akka.Cluster.Sharding;

namespace SessionCluster.Actors.Sessions;

/// <summary>Entity id = session id; shards by its hash. (Reliable delivery wraps its traffic in a ShardingEnvelope, which the base class unwraps.)</summary>
public sealed class SessionMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    /// <summary>
    /// Fixed for the life of a cluster's journal, on every node: a session's shard is its id's hash modulo this, and
    /// sharding remembers live sessions per shard id in the journal. A different count would place sessions in
    /// shards other than those that remember them. 100 is ten times the largest cluster planned for.
    /// </summary>
    public const int ShardCount = 100;

    public override string EntityId(object message) => message switch
    {
        ISessionMessage m => m.SessionId,
        _ => null!,
    };
}
