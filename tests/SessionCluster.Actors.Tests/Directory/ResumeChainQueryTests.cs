using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Directory;

/// <summary>The directory walks a session's resume chain back to the first session, from the real journal.</summary>
public sealed class ResumeChainQueryTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void A_chain_of_50_resumes_is_walked_back_to_the_first()
    {
        using var kit = new TestKit(journal.Config());
        var host = kit.CreateTestProbe();
        SessionState? from = null;
        for (var i = 1; i <= 50; i++)
        {
            var id = $"c{i}";
            var entity = kit.Sys.ActorOf(SessionEntity.Props(id, host.Ref, ActorRefs.Nobody, SessionEntitySettings.Default));
            var launch = from is null ? (LaunchSession)Launch(id).Command : Session.ResumeLaunch(from, id, null, At);
            foreach (var command in new SessionCommand[] { launch, new RecordAgentSessionId("conv-" + id, null, At), new Domain.Kill(At) })
            {
                entity.Tell(new SessionCommandEnvelope(id, command), kit.TestActor);
                from = kit.ExpectMsg<SessionAccepted>(Wait).State;
            }
        }

        var caughtUp = kit.CreateTestProbe();
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var directory = kit.Sys.ActorOf(SessionDirectory.Props(readJournal, readJournal, _ => caughtUp.Ref.Tell("ready")));
        caughtUp.ExpectMsg("ready", Wait);

        // How fast a GET with this chain answers through a node is the `chain` benchmark's (docs/BENCHMARKS.md).
        directory.Tell(new GetResumeChain("c50", "c49"), kit.TestActor);
        var chain = kit.ExpectMsg<ResumeChainOf>(Wait).Chain;

        Assert.Equal(Enumerable.Range(1, 50).Reverse().Select(i => $"c{i}"), chain);
        // A session the directory has not projected yet still gets the step it knows; the first is itself alone.
        directory.Tell(new GetResumeChain("c51", "c50"), kit.TestActor);
        Assert.Equal(51, kit.ExpectMsg<ResumeChainOf>(Wait).Chain.Count);
        directory.Tell(new GetResumeChain("c1", null), kit.TestActor);
        Assert.Equal(["c1"], kit.ExpectMsg<ResumeChainOf>(Wait).Chain);
    }
}
