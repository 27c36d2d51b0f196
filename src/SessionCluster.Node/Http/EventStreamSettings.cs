namespace SessionCluster.Node.Http;

/// <param name="FollowBuffer">sessioncluster.event-log.follow-buffer: most entries waiting for one client before it is dropped.</param>
/// <param name="Heartbeat">How long a quiet stream waits before it sends a <c>: keep-alive</c> comment (proxies close silent connections).</param>
/// <param name="StatusInterval">How often a follower asks for the session's status, to end the stream at a final one.</param>
/// <param name="LastWriteTimeout">How long the final <c>dropped</c> event may take to be sent before the connection is closed.</param>
public sealed record EventStreamSettings(int FollowBuffer, TimeSpan Heartbeat, TimeSpan StatusInterval, TimeSpan LastWriteTimeout)
{
    public static EventStreamSettings For(int followBuffer) =>
        new(followBuffer, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
}
