namespace SessionCluster.Actors.Retention;

/// <summary>Retention is asked before the session directory has read the whole journal: its list would be partial.</summary>
public sealed class SessionListNotReadyException() : Exception("the node is still reading its session list; try again in a moment");
