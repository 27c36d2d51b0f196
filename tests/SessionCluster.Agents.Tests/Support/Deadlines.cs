namespace SessionCluster.Agents.Tests.Support;

/// <summary>How long a test waits for a real signal before it fails (never how long it sleeps).</summary>
public static class Deadlines
{
    /// <summary>A real agent process doing a short turn against the local model server (about a second).</summary>
    public static readonly TimeSpan Agent = TimeSpan.FromSeconds(60);

    /// <summary>A small shell script.</summary>
    public static readonly TimeSpan Script = TimeSpan.FromSeconds(20);
}
