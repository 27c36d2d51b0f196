using Akka.Cluster.Sharding;

namespace SessionCluster.Actors.Sessions;

/// <summary>Entity id = session id; shards by its hash.</summary>
public sealed class SessionMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string EntityId(object message) => message switch
    {
        ISessionMessage m => m.SessionId,
        _ => null!,
    };
}
