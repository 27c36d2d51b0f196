using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.AgentHosting;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Sessions;

/// <summary>Permission requests through the entity, over a real SQLite journal, with a probe as the agent host.</summary>
public sealed class PermissionEntityTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    private static SessionEntitySettings Settings(TimeSpan permissionTimeout) =>
        SessionEntitySettings.Default with { AskAgentHostAgainAfter = TimeSpan.FromMilliseconds(200), PermissionTimeout = permissionTimeout };

    private static SessionCommandEnvelope Request(string id, DateTimeOffset at, string requestId = "req-1") =>
        new(id, new RecordPermissionRequest(requestId, "Bash", "touch done.txt", at));

    [Fact]
    public void A_request_waits_and_the_answer_is_asked_of_the_host_until_it_is_delivered()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("p1", Settings(TimeSpan.FromMinutes(30)));
        kit.Accept(entity, Launch("p1"));
        host.ExpectMsg<StartAgent>(Wait);
        kit.Accept(entity, Started("p1"));

        var waiting = kit.Accept(entity, Request("p1", DateTimeOffset.UtcNow));
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission), (waiting.Status, waiting.WaitingReason));
        Assert.Equal("req-1", waiting.PendingPermission!.RequestId);

        var answered = kit.Accept(entity, new SessionCommandEnvelope("p1",
            new AnswerPermission(null, true, null, true, AnswerPermission.ByApi, DateTimeOffset.UtcNow)));
        Assert.Equal(SessionStatus.Running, answered.Status);
        Assert.Equal(new AnswerAgentPermission("p1", "req-1", true, null, true), host.ExpectMsg<AnswerAgentPermission>(Wait));
        // Asked again on the timer until the host's fact says the agent has it.
        Assert.Equal("req-1", host.ExpectMsg<AnswerAgentPermission>(Wait).RequestId);

        var delivered = kit.Accept(entity, new SessionCommandEnvelope("p1", new RecordPermissionAnswered("req-1", DateTimeOffset.UtcNow)));
        Assert.Empty(delivered.UndeliveredPermissionAnswers);
        host.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m as AnswerAgentPermission); // one may have been on its way
        host.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void An_answer_when_nothing_is_pending_is_rejected_with_the_reason()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("p2", Settings(TimeSpan.FromMinutes(30)));
        kit.Accept(entity, Launch("p2"));
        kit.Accept(entity, Started("p2"));

        entity.Tell(new SessionCommandEnvelope("p2", new AnswerPermission(null, false, null, false, AnswerPermission.ByApi, DateTimeOffset.UtcNow)), kit.TestActor);

        var rejected = kit.ExpectMsg<SessionRejected>(Wait);
        Assert.Equal(RejectionCode.NoPendingPermission, rejected.Rejection.Code);
        Assert.Equal("session p2 has no pending permission request: it is running", rejected.Rejection.Reason);
    }

    [Fact]
    public void A_request_nobody_answers_is_denied_by_the_timeout()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("p3", Settings(TimeSpan.FromMilliseconds(300)));
        kit.Accept(entity, Launch("p3"));
        kit.Accept(entity, Started("p3"));
        kit.Accept(entity, Request("p3", DateTimeOffset.UtcNow));

        var answer = (AnswerAgentPermission)host.FishForMessage(m => m is AnswerAgentPermission, Wait);

        Assert.False(answer.Allow);
        Assert.Equal("no one answered within 0.3 seconds; denied automatically", answer.Message);
        var state = kit.Accept(entity, new GetSession("p3"));
        var decided = Assert.Single(state.RecentPermissions);
        Assert.Equal((false, AnswerPermission.ByTimeout), (decided.Allowed, decided.By));
        Assert.Equal(SessionStatus.Running, state.Status);
    }

    [Fact]
    public void Recovery_recomputes_the_timer_from_the_request_time_and_fires_at_once_when_it_is_past()
    {
        using (var kit = new Kit(journal))
        {
            var (entity, _) = kit.Entity("p4", Settings(TimeSpan.FromMinutes(30)));
            kit.Accept(entity, Launch("p4"));
            kit.Accept(entity, Started("p4"));
            kit.Accept(entity, Request("p4", DateTimeOffset.UtcNow.AddHours(-1)));
        }

        using var restarted = new Kit(journal);
        var (recovered, host) = restarted.Entity("p4", Settings(TimeSpan.FromMinutes(30)));
        recovered.Tell(new GetSession("p4"), restarted.TestActor);
        restarted.ExpectMsg<SessionAccepted>(Wait);

        var answer = (AnswerAgentPermission)host.FishForMessage(m => m is AnswerAgentPermission, Wait);
        Assert.False(answer.Allow);
        Assert.Equal("no one answered within 30 minutes; denied automatically", answer.Message);
    }

    [Fact]
    public void Two_requests_at_once_both_reach_the_host_and_the_timeout_denies_the_second_after_the_first_is_answered()
    {
        using var kit = new Kit(journal);
        var (entity, host) = kit.Entity("p5", Settings(TimeSpan.FromSeconds(2)));
        kit.Accept(entity, Launch("p5"));
        host.ExpectMsg<StartAgent>(Wait);
        kit.Accept(entity, Started("p5"));
        var now = DateTimeOffset.UtcNow;
        kit.Accept(entity, Request("p5", now, "req-1"));
        var both = kit.Accept(entity, Request("p5", now, "req-2"));
        Assert.Equal(("req-1", "req-2"), (both.PendingPermission!.RequestId, Assert.Single(both.QueuedPermissions).RequestId));

        var answered = kit.Accept(entity, new SessionCommandEnvelope("p5",
            new AnswerPermission(null, true, null, false, AnswerPermission.ByApi, DateTimeOffset.UtcNow)));

        // Still waiting, now on the second; the first answer goes out at once.
        Assert.Equal((SessionStatus.WaitingForInput, WaitingReason.Permission), (answered.Status, answered.WaitingReason));
        Assert.Equal("req-2", answered.PendingPermission!.RequestId);
        Assert.Equal(new AnswerAgentPermission("p5", "req-1", true, null, false), host.ExpectMsg<AnswerAgentPermission>(Wait));

        // Nobody answers the second: the timer, re-armed for it, denies it; then the host is asked for both answers.
        var denied = (AnswerAgentPermission)host.FishForMessage(m => m is AnswerAgentPermission { RequestId: "req-2" }, Wait);
        Assert.False(denied.Allow);
        Assert.Equal("no one answered within 2 seconds; denied automatically", denied.Message);
        var asked = host.ReceiveN(4, Wait).OfType<AnswerAgentPermission>().Select(a => a.RequestId).ToHashSet();
        Assert.Equal(["req-1", "req-2"], asked.Order());

        var state = kit.Accept(entity, new GetSession("p5"));
        Assert.Equal(SessionStatus.Running, state.Status);
        Assert.Equal(["req-1", "req-2"], state.UndeliveredPermissionAnswers.Select(a => a.RequestId));
        Assert.Equal([AnswerPermission.ByApi, AnswerPermission.ByTimeout], state.RecentPermissions.Select(d => d.By));

        kit.Accept(entity, new SessionCommandEnvelope("p5", new RecordPermissionAnswered("req-2", DateTimeOffset.UtcNow)));
        var delivered = kit.Accept(entity, new SessionCommandEnvelope("p5", new RecordPermissionAnswered("req-1", DateTimeOffset.UtcNow)));
        Assert.Empty(delivered.UndeliveredPermissionAnswers);
        host.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m as AnswerAgentPermission); // some may have been on their way
        host.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void After_recovery_a_queued_request_that_waited_past_the_timeout_is_denied_as_soon_as_it_becomes_pending()
    {
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        using (var kit = new Kit(journal))
        {
            var (entity, _) = kit.Entity("p6", Settings(TimeSpan.FromMinutes(30)));
            kit.Accept(entity, Launch("p6"));
            kit.Accept(entity, Started("p6"));
            kit.Accept(entity, Request("p6", DateTimeOffset.UtcNow, "req-1"));
            kit.Accept(entity, Request("p6", longAgo, "req-2"));
        }

        using var restarted = new Kit(journal);
        var (recovered, host) = restarted.Entity("p6", Settings(TimeSpan.FromMinutes(30)));
        var state = restarted.Accept(recovered, new GetSession("p6"));
        Assert.Equal(("req-1", "req-2"), (state.PendingPermission!.RequestId, Assert.Single(state.QueuedPermissions).RequestId));

        restarted.Accept(recovered, new SessionCommandEnvelope("p6",
            new AnswerPermission("req-1", true, null, false, AnswerPermission.ByApi, DateTimeOffset.UtcNow)));

        var denied = (AnswerAgentPermission)host.FishForMessage(m => m is AnswerAgentPermission { RequestId: "req-2" }, Wait);
        Assert.False(denied.Allow);
        Assert.Equal("no one answered within 30 minutes; denied automatically", denied.Message);
    }

    private sealed class Kit(SqliteJournal journal) : TestKit(journal.Config())
    {
        public (IActorRef Entity, Akka.TestKit.TestProbe Host) Entity(string id, SessionEntitySettings settings)
        {
            var host = CreateTestProbe();
            return (Sys.ActorOf(SessionEntity.Props(id, host.Ref, ActorRefs.Nobody, settings)), host);
        }

        public SessionState Accept(IActorRef entity, object message)
        {
            entity.Tell(message, TestActor);
            return Assert.IsType<SessionAccepted>(ExpectMsg<SessionReply>(Wait)).State;
        }
    }
}
