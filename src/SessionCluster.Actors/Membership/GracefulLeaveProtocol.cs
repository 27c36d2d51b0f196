using SessionCluster.Actors.Serialization;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// Asks a node to leave the cluster once its agents are done: it takes no new session from now on, and leaves when its
/// last live session has ended or its drain timeout has passed. Replies <see cref="LeavingGracefully"/>; asking again
/// changes nothing but the answer's live sessions.
/// </summary>
public sealed record LeaveGracefully : ISessionClusterMessage
{
    public static readonly LeaveGracefully Instance = new();
}

/// <param name="LiveSessionIds">The sessions whose agents still run on the node.</param>
/// <param name="LeavesBy">When the node leaves at the latest; any session still live then is interrupted ("node stopped").</param>
public sealed record LeavingGracefully(IReadOnlyList<string> LiveSessionIds, DateTimeOffset LeavesBy) : ISessionClusterMessage;
