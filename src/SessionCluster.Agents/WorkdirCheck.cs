namespace SessionCluster.Agents;

/// <summary>The working-directory check a spawn makes, also asked ahead of it: on the node that will run the agent.</summary>
public static class WorkdirCheck
{
    /// <summary>Why <paramref name="workdir"/> cannot be an agent's working directory on this node, in words ("does not exist"); null when it can.</summary>
    public static string? Problem(string workdir) =>
        string.IsNullOrWhiteSpace(workdir) ? "is empty"
        : Directory.Exists(workdir) ? (Libc.CanEnter(workdir) ? null : "cannot be entered (permission denied)")
        : File.Exists(workdir) ? "is a file, not a directory"
        : "does not exist";
}
