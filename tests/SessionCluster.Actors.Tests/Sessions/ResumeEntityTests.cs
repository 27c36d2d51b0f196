using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>
/// A resume is one command to the old session: it records the link, then launches the new session (a probe stands in
/// for the shard region) and asks again on the timer, after recovery too, until the new session answers.
/// </summary>
public sealed class ResumeEntityTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly SessionEntitySettings Quick = SessionEntitySettings.Default with { AskAgentHostAgainAfter = TimeSpan.FromMilliseconds(200) };
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void The_old_session_launches_the_new_one_asks_again_until_it_answers_and_answers_the_resume_with_it()
    {
        using var kit = new TestKit(journal.Config());
        var (entity, sessions) = Finished(kit, "r1");

        entity.Tell(new SessionCommandEnvelope("r1", new Resume("r2", At, "now the docs")), kit.TestActor);

        var first = sessions.ExpectMsg<SessionCommandEnvelope>(Wait);
        var launch = Assert.IsType<LaunchSession>(first.Command);
        Assert.Equal(("r2", "now the docs", "r1"), (first.SessionId, launch.Spec.Prompt, launch.Spec.ResumedFrom!.FromSessionId));
        kit.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the resume waits for the new session
        // Not answered: asked again, the same launch.
        Assert.Equal(launch, sessions.ExpectMsg<SessionCommandEnvelope>(Wait).Command);

        var made = Session.Apply(null, new SessionLaunched("r2", launch.Name, launch.Spec, launch.At));
        entity.Tell(new SessionAccepted("r2", made), sessions.Ref);

        var answer = kit.ExpectMsg<SessionAccepted>(Wait);
        Assert.Equal(("r2", "r1"), (answer.SessionId, answer.State.ResumedFromId));
        entity.Tell(new GetSession("r1"), kit.TestActor);
        var old = kit.ExpectMsg<SessionAccepted>(Wait).State;
        Assert.Equal(["r2"], old.ResumedAs);
        Assert.Empty(old.UnlaunchedResumes);
        sessions.ExpectNoMsg(TimeSpan.FromMilliseconds(600)); // done: not asked again
    }

    [Fact]
    public void A_launch_still_owed_is_asked_again_after_recovery_and_already_exists_with_the_same_resume_counts_as_done()
    {
        using (var kit = new TestKit(journal.Config()))
        {
            var (entity, sessions) = Finished(kit, "r3");
            entity.Tell(new SessionCommandEnvelope("r3", new Resume("r4", At)), kit.TestActor);
            sessions.ExpectMsg<SessionCommandEnvelope>(Wait); // the node goes away before the new session answers
        }

        using var again = new TestKit(journal.Config());
        var newSessions = again.CreateTestProbe();
        var recovered = again.Sys.ActorOf(SessionEntity.Props("r3", again.CreateTestProbe().Ref, newSessions.Ref, Quick));
        recovered.Tell(new GetSession("r3"), again.TestActor);
        var owed = Assert.Single(again.ExpectMsg<SessionAccepted>(Wait).State.UnlaunchedResumes);

        var launch = Assert.IsType<LaunchSession>(newSessions.ExpectMsg<SessionCommandEnvelope>(Wait).Command);
        Assert.Equal(Session.DefaultResumePrompt, launch.Spec.Prompt);
        Assert.Equal(owed.At, launch.At);
        // The first launch did arrive: the new session says it exists, so the old one asks what it is.
        recovered.Tell(new SessionRejected("r4", new Rejection(RejectionCode.AlreadyExists, "session r4 already exists")), newSessions.Ref);
        newSessions.FishForMessage(m => m is GetSession { SessionId: "r4" }, Wait);
        recovered.Tell(new SessionAccepted("r4", Session.Apply(null, new SessionLaunched("r4", launch.Name, launch.Spec, launch.At))), newSessions.Ref);

        again.AwaitAssert(() =>
        {
            recovered.Tell(new GetSession("r3"), again.TestActor);
            Assert.Empty(again.ExpectMsg<SessionAccepted>(Wait).State.UnlaunchedResumes);
        }, Wait);
        Assert.Equal(["r4"], Replayed(again, "r3").ResumedAs);
    }

    [Fact]
    public void A_retried_resume_is_answered_already_exists_and_a_live_one_is_refused_with_its_reason()
    {
        using var kit = new TestKit(journal.Config());
        var (entity, sessions) = Finished(kit, "r5");
        entity.Tell(new SessionCommandEnvelope("r5", new Resume("r6", At)), kit.TestActor);
        var launch = (LaunchSession)sessions.ExpectMsg<SessionCommandEnvelope>(Wait).Command;
        var retry = kit.CreateTestProbe();
        entity.Tell(new SessionCommandEnvelope("r5", new Resume("r6", At.AddSeconds(1))), retry.Ref);

        entity.Tell(new SessionAccepted("r6", Session.Apply(null, new SessionLaunched("r6", launch.Name, launch.Spec, launch.At))), sessions.Ref);

        Assert.Equal("r6", kit.ExpectMsg<SessionAccepted>(Wait).SessionId);
        Assert.Equal(RejectionCode.AlreadyExists, retry.ExpectMsg<SessionRejected>(Wait).Rejection.Code);

        var (live, _) = Entity(kit, "r7");
        live.Tell(Launch("r7"), kit.TestActor);
        kit.ExpectMsg<SessionAccepted>(Wait);
        live.Tell(new SessionCommandEnvelope("r7", new Resume("r8", At)), kit.TestActor);
        var refused = kit.ExpectMsg<SessionRejected>(Wait).Rejection;
        Assert.Equal("cannot resume session r7: it is starting; interrupt or kill it first, or respond to it", refused.Reason);
    }

    [Fact]
    public void A_new_id_that_names_another_session_is_refused_and_the_link_withdrawn()
    {
        using var kit = new TestKit(journal.Config());
        var (entity, sessions) = Finished(kit, "r9");
        entity.Tell(new SessionCommandEnvelope("r9", new Resume("x1", At)), kit.TestActor);
        sessions.ExpectMsg<SessionCommandEnvelope>(Wait);

        entity.Tell(new SessionRejected("x1", new Rejection(RejectionCode.AlreadyExists, "session x1 already exists")), sessions.Ref);
        sessions.FishForMessage(m => m is GetSession { SessionId: "x1" }, Wait);
        var other = Session.Apply(null, new SessionLaunched("x1", "other", ((LaunchSession)Launch("x1").Command).Spec, At));
        entity.Tell(new SessionAccepted("x1", other), sessions.Ref);

        var refused = kit.ExpectMsg<SessionRejected>(Wait).Rejection;
        Assert.Equal(RejectionCode.AlreadyExists, refused.Code);
        Assert.Contains("is not a resume of r9", refused.Reason);
        Assert.Empty(Replayed(kit, "r9").ResumedAs);
    }

    private (IActorRef Entity, TestProbe Sessions) Finished(TestKit kit, string id)
    {
        var (entity, sessions) = Entity(kit, id);
        foreach (var command in new ISessionMessage[]
                 {
                     Launch(id), Started(id), new SessionCommandEnvelope(id, new RecordAgentSessionId("conv-" + id, null, At)),
                     new SessionCommandEnvelope(id, new Domain.Kill(At)),
                 })
        {
            entity.Tell(command, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }

        return (entity, sessions);
    }

    private static (IActorRef Entity, TestProbe Sessions) Entity(TestKit kit, string id)
    {
        var sessions = kit.CreateTestProbe();
        return (kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, sessions.Ref, Quick)), sessions);
    }

    /// <summary>The session as a fresh incarnation recovers it from the journal.</summary>
    private static SessionState Replayed(TestKit kit, string id)
    {
        var fresh = kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, kit.CreateTestProbe().Ref, SessionEntitySettings.Default));
        fresh.Tell(new GetSession(id), kit.TestActor);
        return kit.ExpectMsg<SessionAccepted>(Wait).State;
    }
}
