using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Directory;

/// <summary>The session list, rebuilt from the real SQLite journal's tagged events, then followed live.</summary>
public sealed class SessionDirectoryTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void It_reads_the_journal_to_its_end_then_follows_new_sessions_and_filters()
    {
        using var kit = new TestKit(journal.Config());
        var host = kit.CreateTestProbe();
        IActorRef Entity(string id) => kit.Sys.ActorOf(SessionEntity.Props(id, host.Ref, ActorRefs.Nobody, SessionEntitySettings.Default));
        var first = Entity("d1");
        foreach (var command in new ISessionMessage[] { Launch("d1"), Started("d1"), Turn("d1", 0.1m) })
        {
            first.Tell(command, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }

        var caughtUp = kit.CreateTestProbe();
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var directory = kit.Sys.ActorOf(SessionDirectory.Props(readJournal, readJournal, sessions => caughtUp.Ref.Tell(sessions.ToList())));

        var atStart = caughtUp.ExpectMsg<List<SessionState>>(Wait);
        var d1 = Assert.Single(atStart);
        Assert.Equal(SessionStatus.WaitingForInput, d1.Status);
        Assert.Equal(1, d1.TurnsCompleted);

        var second = Entity("d2");
        second.Tell(Launch("d2"), kit.TestActor);
        kit.ExpectMsg<SessionAccepted>(Wait);

        kit.AwaitAssert(() =>
        {
            directory.Tell(new ListSessions(new HashSet<SessionStatus>(), null), kit.TestActor);
            Assert.Equal(["d1", "d2"], kit.ExpectMsg<SessionList>().Sessions.Select(s => s.Id).Order()); // same launch time in this test
        }, Wait);
        directory.Tell(new ListSessions(new HashSet<SessionStatus> { SessionStatus.Starting }, "claude"), kit.TestActor);
        Assert.Equal("d2", Assert.Single(kit.ExpectMsg<SessionList>(Wait).Sessions).Id);
        directory.Tell(new ListSessions(new HashSet<SessionStatus>(), "codex"), kit.TestActor);
        Assert.Empty(kit.ExpectMsg<SessionList>(Wait).Sessions);
        caughtUp.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // once only
    }
}
