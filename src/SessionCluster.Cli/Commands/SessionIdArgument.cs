using System.CommandLine;

namespace SessionCluster.Cli.Commands;

/// <summary>The &lt;id&gt; argument of the verbs that act on one session.</summary>
internal static class SessionIdArgument
{
    public static Argument<string> Create() => new("id") { Description = "Session id" };
}
