using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Retention;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Retention;

/// <summary>
/// Retention on the real SQLite journal: an entity prunes itself (its journal and snapshots go, a tombstone stays),
/// and <see cref="SessionRetention"/> removes what the rules select, never a live session or a chain with one, from the
/// list too, for good: neither a start from the saved projection nor a full replay of the journal brings it back.
/// </summary>
public sealed class SessionRetentionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly RetentionPolicy PruneEverythingFinished = new(TimeSpan.Zero, 0);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void A_finished_session_prunes_itself_leaving_only_a_tombstone_and_a_live_one_refuses()
    {
        using var kit = new TestKit(journal.Config());
        var entity = Entity(kit, "p1");
        Send(kit, entity, Launch("p1"), Started("p1"), Turn("p1", 0.1m), new SessionCommandEnvelope("p1", new Domain.Kill(At)));
        var live = Entity(kit, "p2");
        Send(kit, live, Launch("p2"));
        // A directory nobody tells of the prune (another node's, say) learns of it from the journal's tombstone.
        var follower = Follow(kit);
        kit.AwaitAssert(() => Assert.Equal(["p1", "p2"], Listed(kit, follower)), Wait);

        live.Tell(new SessionCommandEnvelope("p2", new Prune(At)), kit.TestActor);
        var refused = kit.ExpectMsg<SessionRejected>(Wait);
        Assert.Equal(RejectionCode.IllegalTransition, refused.Rejection.Code);
        Assert.Equal("cannot prune session p2: it is starting; interrupt or kill it first", refused.Rejection.Reason);

        entity.Tell(new SessionCommandEnvelope("p1", new Prune(At)), kit.TestActor);
        Assert.Equal(SessionStatus.Killed, kit.ExpectMsg<SessionAccepted>(Wait).State.Status);

        // The tombstone stays, marked deleted (the plugin keeps the last row for its sequence number): no event of the session does.
        Assert.Equal([("SP", 1L)], Rows("SELECT manifest, deleted FROM journal WHERE persistence_id = 'session-p1'", r => (r.GetString(0), r.GetInt64(1))));
        // The tombstone keeps its tag row (Akka.Persistence.Sql 1.5.73 deletes those of the rows it removes); no other is left.
        Assert.Equal(
            Rows("SELECT ordering FROM journal WHERE persistence_id = 'session-p1'", r => r.GetInt64(0)),
            Rows("SELECT ordering_id FROM tags WHERE persistence_id = 'session-p1'", r => r.GetInt64(0)));
        Assert.Empty(Rows("SELECT sequence_number FROM snapshot WHERE persistence_id = 'session-p1'", r => r.GetInt64(0)));
        entity.Tell(new GetSession("p1"), kit.TestActor);
        Assert.Equal(RejectionCode.UnknownSession, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
        kit.AwaitAssert(() => Assert.Equal(["p2"], Listed(kit, follower)), Wait);

        // Recovered anew, the id is unknown: nothing of it is read back, and it can be launched again only as new.
        var again = Entity(kit, "p1");
        again.Tell(new GetSession("p1"), kit.TestActor);
        Assert.Equal(RejectionCode.UnknownSession, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
        again.Tell(new SessionCommandEnvelope("p1", new Prune(At)), kit.TestActor);
        Assert.Equal(RejectionCode.UnknownSession, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
    }

    [Fact]
    public void Retention_prunes_only_finished_chains_shows_a_dry_run_first_and_the_list_never_brings_them_back()
    {
        using var kit = new TestKit(journal.Config());
        var entities = kit.Sys.ActorOf(Props.Create(() => new EntitiesById(kit.CreateTestProbe().Ref)));
        Ask(kit, entities, Launch("old"), Started("old"), new SessionCommandEnvelope("old", new Domain.Kill(At)));
        Ask(kit, entities, Launch("live"));
        // "first" is finished, but its resume "resumed" is live: the chain stays whole.
        var first = Ask(kit, entities, Launch("first"), Started("first"), new SessionCommandEnvelope("first", new RecordAgentSessionId("conv-first", null, At)),
            new SessionCommandEnvelope("first", new Domain.Kill(At)));
        Ask(kit, entities, new SessionCommandEnvelope("resumed", Session.ResumeLaunch(first, "resumed", null, At)));

        var erased = kit.CreateTestProbe();
        var store = new SqliteDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization);
        var directory = StartDirectory(kit, store);
        var retention = kit.Sys.ActorOf(SessionRetention.Props(
            directory, entities, new RetentionSettings(PruneEverythingFinished, TimeSpan.Zero), id => erased.Ref.Tell(id), Wait));

        var dryRun = Prune(kit, retention, dryRun: true);
        Assert.True(dryRun.DryRun);
        Assert.Equal(["old"], dryRun.Pruned.Select(p => p.Session.Id));
        Assert.Equal("finished more than 0 seconds ago", dryRun.Pruned[0].Reason);
        erased.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(4, Listed(kit, directory).Count);

        var done = Prune(kit, retention, dryRun: false);
        Assert.Equal(["old"], done.Pruned.Select(p => p.Session.Id));
        Assert.Empty(done.Refused);
        erased.ExpectMsg("old", Wait);
        kit.AwaitAssert(() => Assert.Equal(["first", "live", "resumed"], Listed(kit, directory)), Wait);

        // Gone for good: from the saved projection at the next start, and from a full replay of the journal.
        kit.AwaitAssert(() => Assert.DoesNotContain("old", store.Load()!.Sessions.Select(s => s.Id)), Wait);
        StopDirectory(kit, directory);
        Assert.Equal(["first", "live", "resumed"], Listed(kit, StartDirectory(kit, store)));
        Assert.Equal(["first", "live", "resumed"], Listed(kit, StartDirectory(kit, null)));
    }

    [Fact]
    public void The_background_run_prunes_by_itself_once_the_list_is_read()
    {
        using var kit = new TestKit(journal.Config());
        var entities = kit.Sys.ActorOf(Props.Create(() => new EntitiesById(kit.CreateTestProbe().Ref)));
        Ask(kit, entities, Launch("done"), Started("done"), new SessionCommandEnvelope("done", new Domain.Kill(At)));
        Ask(kit, entities, Launch("running"), Started("running"));
        var directory = StartDirectory(kit, new SqliteDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization));

        kit.Sys.ActorOf(SessionRetention.Props(
            directory, entities, new RetentionSettings(PruneEverythingFinished, TimeSpan.FromMilliseconds(200)), _ => { }, Wait));

        kit.AwaitAssert(() => Assert.Equal(["running"], Listed(kit, directory)), Wait);
        entities.Tell(new GetSession("done"), kit.TestActor);
        Assert.Equal(RejectionCode.UnknownSession, kit.ExpectMsg<SessionRejected>(Wait).Rejection.Code);
    }

    [Fact]
    public void Asked_before_the_list_is_read_it_waits_for_it_instead_of_judging_a_partial_list()
    {
        using var kit = new TestKit(journal.Config());
        var directory = kit.CreateTestProbe();
        var retention = kit.Sys.ActorOf(SessionRetention.Props(
            directory.Ref, kit.CreateTestProbe().Ref, new RetentionSettings(PruneEverythingFinished, TimeSpan.Zero), _ => { }, Wait));
        directory.ExpectMsg<WhenSessionListReady>(Wait);

        retention.Tell(new PruneSessions(PruneEverythingFinished, DryRun: true), kit.TestActor);
        directory.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        kit.ExpectNoMsg(TimeSpan.Zero);

        retention.Tell(SessionListReady.Instance, directory.Ref);
        directory.ExpectMsg<ListSessions>(Wait);
        directory.Reply(new SessionList([]));
        Assert.Empty(kit.ExpectMsg<PruneReport>(Wait).Pruned);
    }

    private static PruneReport Prune(TestKit kit, IActorRef retention, bool dryRun)
    {
        retention.Tell(new PruneSessions(PruneEverythingFinished, dryRun), kit.TestActor);
        return kit.ExpectMsg<PruneReport>(Wait);
    }

    private static IActorRef Entity(TestKit kit, string id) =>
        kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, ActorRefs.Nobody, SessionEntitySettings.Default));

    private static void Send(TestKit kit, IActorRef entity, params SessionCommandEnvelope[] commands)
    {
        foreach (var command in commands)
        {
            entity.Tell(command, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }
    }

    private static SessionState Ask(TestKit kit, IActorRef entities, params SessionCommandEnvelope[] commands)
    {
        SessionState state = null!;
        foreach (var command in commands)
        {
            entities.Tell(command, kit.TestActor);
            state = kit.ExpectMsg<SessionAccepted>(Wait).State;
        }

        return state;
    }

    private IActorRef StartDirectory(TestKit kit, IDirectoryProjectionStore? store)
    {
        var ready = kit.CreateTestProbe();
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var current = new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization);
        var directory = kit.Sys.ActorOf(store is null
            ? SessionDirectory.Props(readJournal, current, _ => { })
            : SessionDirectory.Props(readJournal, current, _ => { }, store, TimeSpan.FromMilliseconds(100)));
        directory.Tell(WhenSessionListReady.Instance, ready.Ref);
        ready.ExpectMsg<SessionListReady>(Wait);
        return directory;
    }

    /// <summary>A directory as the node wires it: the journal read and followed straight from its tables.</summary>
    private IActorRef Follow(TestKit kit)
    {
        var ready = kit.CreateTestProbe();
        var tagged = new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pollInterval: TimeSpan.FromMilliseconds(100));
        var directory = kit.Sys.ActorOf(SessionDirectory.Props(tagged, tagged, _ => { }));
        directory.Tell(WhenSessionListReady.Instance, ready.Ref);
        ready.ExpectMsg<SessionListReady>(Wait);
        return directory;
    }

    private static void StopDirectory(TestKit kit, IActorRef directory)
    {
        kit.Watch(directory);
        kit.Sys.Stop(directory);
        kit.ExpectTerminated(directory, Wait);
    }

    private static List<string> Listed(TestKit kit, IActorRef directory)
    {
        var probe = kit.CreateTestProbe();
        directory.Tell(new ListSessions(new HashSet<SessionStatus>(), null), probe.Ref);
        return probe.ExpectMsg<SessionList>(Wait).Sessions.Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
    }

    private List<T> Rows<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>What the shard region is to retention here: one entity per session id, made on first use.</summary>
    private sealed class EntitiesById : ReceiveActor
    {
        public EntitiesById(IActorRef host)
        {
            var entities = new Dictionary<string, IActorRef>();
            IActorRef Of(string id) => entities.TryGetValue(id, out var entity)
                ? entity
                : entities[id] = Context.ActorOf(SessionEntity.Props(id, host, Self, SessionEntitySettings.Default));
            Receive<ISessionMessage>(message => Of(message.SessionId).Forward(message));
        }
    }
}
