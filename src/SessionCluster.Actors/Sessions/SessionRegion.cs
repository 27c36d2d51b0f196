namespace SessionCluster.Actors.Sessions;

/// <summary>Registry key of the session shard region.</summary>
public sealed class SessionRegion
{
    public const string TypeName = "session";

    public static string PersistenceIdOf(string sessionId) => $"session-{sessionId}";

    public const string Tag = "session";
}
