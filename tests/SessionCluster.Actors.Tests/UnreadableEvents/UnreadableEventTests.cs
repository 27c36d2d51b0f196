using Akka.Actor;
using Akka.Delivery;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.UnreadableEvents;

/// <summary>
/// A journal row with a manifest this node does not know (a newer node wrote it, then the cluster was downgraded), in the
/// real SQLite journal: the read model skips it and goes on, the session's entity refuses everything naming it.
/// </summary>
public sealed class UnreadableEventTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void The_directory_logs_and_skips_the_unreadable_event_and_keeps_listing_every_session()
    {
        using (var writer = new TestKit(journal.Config()))
        {
            Accept(writer, "u1", Launch("u1"), Started("u1"));
            Accept(writer, "u2", Launch("u2"));
        }

        UnreadableJournalRow.Insert(journal, "session-u1", copyOf: 1, sequenceNr: 3);

        using var kit = new TestKit(journal.Config());
        var caughtUp = kit.CreateTestProbe();
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        IActorRef directory = ActorRefs.Nobody;
        kit.EventFilter.Warning(contains: $"Skipped event 3 of session-u1: it cannot be read (manifest '{UnreadableJournalRow.Manifest}')")
            .ExpectOne(Wait, () => directory = kit.Sys.ActorOf(
                SessionDirectory.Props(readJournal, readJournal, sessions => caughtUp.Ref.Tell(sessions.ToList()))));

        // Caught up (so the node gets ready), with both sessions; u1 as its readable events tell it.
        var atStart = caughtUp.ExpectMsg<List<SessionState>>(Wait);
        Assert.Equal(["u1", "u2"], atStart.Select(s => s.Id).Order());
        Assert.Equal(SessionStatus.Running, atStart.Single(s => s.Id == "u1").Status);

        // And it follows the journal on.
        Accept(kit, "u3", Launch("u3"));
        kit.AwaitAssert(() =>
        {
            directory.Tell(new ListSessions(new HashSet<SessionStatus>(), null), kit.TestActor);
            Assert.Equal(["u1", "u2", "u3"], kit.ExpectMsg<SessionList>().Sessions.Select(s => s.Id).Order());
        }, Wait);
    }

    [Fact]
    public void The_entity_refuses_every_command_naming_the_event_and_persists_and_asks_nothing()
    {
        using (var writer = new TestKit(journal.Config()))
        {
            Accept(writer, "u4", Launch("u4"));
        }

        UnreadableJournalRow.Insert(journal, "session-u4", copyOf: 1, sequenceNr: 2);
        var rows = journal.Count("journal");

        using var kit = new TestKit(journal.Config());
        var host = kit.CreateTestProbe();
        // Re-asked quickly: a starting session that could be read would ask the host to start its agent at once.
        var settings = SessionEntitySettings.Default with { AskAgentHostAgainAfter = TimeSpan.FromMilliseconds(50) };
        var entity = kit.Sys.ActorOf(SessionEntity.Props("u4", host.Ref, ActorRefs.Nobody, settings));

        entity.Tell(new GetSession("u4"), kit.TestActor);
        var rejection = kit.ExpectMsg<SessionRejected>(Wait).Rejection;
        Assert.Equal(RejectionCode.Unreadable, rejection.Code);
        Assert.Contains("session u4", rejection.Reason);
        Assert.Contains("event #2", rejection.Reason);
        Assert.Contains($"'{UnreadableJournalRow.Manifest}'", rejection.Reason);
        Assert.Contains("upgrade", rejection.Reason);

        foreach (var command in new SessionCommand[] { new Interrupt(At), new Domain.Kill(At), new Domain.Respond("hi", false, At), Launch("u4").Command })
        {
            entity.Tell(new SessionCommandEnvelope("u4", command), kit.TestActor);
            Assert.Equal(rejection, kit.ExpectMsg<SessionRejected>(Wait).Rejection);
        }

        // An agent fact is confirmed (it must not hold back the producer's others) and dropped.
        var confirm = kit.CreateTestProbe();
        entity.Tell(new ConsumerController.Delivery<SessionFact>(
            new SessionFact("u4", 1, new RecordProcessStarted("node-a", 4242, At)), confirm.Ref, "producer", 1));
        confirm.ExpectMsg<ConsumerController.Confirmed>(Wait);

        host.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(rows, journal.Count("journal"));
    }

    private static void Accept(TestKit kit, string id, params ISessionMessage[] messages)
    {
        var entity = kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, ActorRefs.Nobody, SessionEntitySettings.Default));
        foreach (var message in messages)
        {
            entity.Tell(message, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }
    }
}
