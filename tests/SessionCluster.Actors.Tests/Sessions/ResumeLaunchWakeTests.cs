using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>After a restart only sessions that still owe a launch are woken.</summary>
public sealed class ResumeLaunchWakeTests : TestKit
{
    [Fact]
    public void Only_sessions_that_owe_a_launch_are_woken()
    {
        var region = CreateTestProbe();
        var finished = Session.Apply(null, new SessionLaunched("w1", "n", ((LaunchSession)Launch("w1").Command).Spec, At));
        var owes = Session.Apply(finished, new SessionResumedAs("w2", At, "go on")) with { Id = "w1" };
        var settled = Session.Apply(owes, new ResumedSessionLaunched("w2", At)) with { Id = "w3" };

        Assert.Equal(1, ResumeLaunchWake.Run([finished with { Id = "w0" }, owes, settled], region.Ref));

        Assert.Equal("w1", region.ExpectMsg<GetSession>().SessionId);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
