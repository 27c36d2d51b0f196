using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// util-linux <c>setsid</c>, which every agent is started through: .NET cannot call setsid() in the child it forks.
/// A child of the node is never a group leader, so setsid calls setsid() and execs the agent in place: the pid
/// is the agent's, and its process group and session ids equal it.
/// </summary>
internal static class Setsid
{
    private static readonly string[] Candidates = ["/usr/bin/setsid", "/bin/setsid"];

    // Fixed paths, looked up once: never whatever PATH a session sets.
    private static readonly Lazy<string?> Found = new(() => Candidates.FirstOrDefault(LaunchChecks.IsExecutableFile));

    /// <exception cref="AgentStartException">setsid is not installed.</exception>
    public static string Path => Found.Value ?? throw new AgentStartException(
        ErrorKind.AgentBinaryMissing,
        $"setsid (util-linux) is not installed at {string.Join(" or ", Candidates)}: agents run in a session of their own through it");
}
