using SessionCluster.Domain;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

/// <summary>A session whose journal this node cannot read is a conflict the caller can act on (upgrade the node), not a server error.</summary>
public sealed class UnreadableSessionProblemTests
{
    [Fact]
    public async Task An_unreadable_session_is_a_409_problem_titled_unreadable_session()
    {
        const string reason = "session s1 cannot be read on this node: its event #3 has manifest 'ZZZ' (...). Upgrade this node.";

        var response = await HttpResults.Execute(Problems.From(new Rejection(RejectionCode.Unreadable, reason)));

        response.AssertProblem(409, reason);
        Assert.Equal("Unreadable session", response.Title);
    }
}
