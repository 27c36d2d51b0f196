using Akka.Cluster.Sharding;

namespace SessionCluster.Actors.Sessions;

/// <summary>Entity id = session id; shards by its hash. (Reliable delivery wraps its traffic in a ShardingEnvelope, which the base class unwraps.)</summary>
public sealed class SessionMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string EntityId(object message) => message switch
    {
        ISessionMessage m => m.SessionId,
        _ => null!,
    };
}
