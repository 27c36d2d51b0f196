using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Directory;

/// <summary>
/// The directory following the real SQLite journal live with <see cref="SqliteTaggedEvents.EventsByTag"/>, wired as the
/// node wires it (catch-up and live from the journal's tables, no plugin query): new events show up, in the journal's
/// order with none missing, also across a restart from the saved projection and on a data dir whose tables come later.
/// </summary>
public sealed class DirectoryLiveFollowTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void The_live_query_returns_every_tagged_event_in_the_journals_order_also_those_written_after_it_started()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "l1", Launch("l1"), Started("l1"));
        var events = Events(kit);
        var seen = new List<EventEnvelope>();
        var probe = kit.CreateTestProbe();
        events.EventsByTag(SessionRegion.Tag, Offset.NoOffset())
            .RunForeach(e => probe.Ref.Tell(e), kit.Sys.Materializer());

        JournalWrites.Write(kit, "l2", Launch("l2"));
        JournalWrites.Write(kit, "l1", Turn("l1", 0.1m));
        JournalWrites.Write(kit, "l3", Launch("l3"), Started("l3"));
        var expected = Tagged();
        kit.AwaitAssert(() =>
        {
            while (probe.HasMessages)
            {
                seen.Add(probe.ExpectMsg<EventEnvelope>());
            }

            Assert.Equal(expected.Count, seen.Count);
        }, Wait);

        // Exactly the tagged rows the journal holds, in its order: none skipped, none twice.
        Assert.Equal(expected, seen.Select(e => (((Sequence)e.Offset).Value, e.PersistenceId)));
        Assert.Equal(["l1", "l2", "l1", "l3"], Runs(seen.Select(e => e.PersistenceId["session-".Length..])));
        probe.ExpectNoMsg(PollInterval * 5);
    }

    [Fact]
    public void The_live_query_after_an_offset_starts_after_it()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "o1", Launch("o1"), Started("o1"), Turn("o1", 0.1m));
        var after = Tagged()[1].Ordering;
        var probe = kit.CreateTestProbe();
        Events(kit).EventsByTag(SessionRegion.Tag, Offset.Sequence(after))
            .RunForeach(e => probe.Ref.Tell(e), kit.Sys.Materializer());

        foreach (var (ordering, _) in Tagged().Skip(2))
        {
            Assert.Equal(ordering, ((Sequence)probe.ExpectMsg<EventEnvelope>(Wait).Offset).Value);
        }

        JournalWrites.Write(kit, "o2", Launch("o2"));
        Assert.Equal("session-o2", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
    }

    [Fact]
    public void The_live_query_on_a_data_dir_whose_journal_tables_do_not_exist_yet_waits_for_the_first_event()
    {
        using var kit = new TestKit(journal.Config());
        var probe = kit.CreateTestProbe();
        Events(kit).EventsByTag(SessionRegion.Tag, Offset.NoOffset())
            .RunForeach(e => probe.Ref.Tell(e), kit.Sys.Materializer());
        probe.ExpectNoMsg(PollInterval * 3); // polls a file without the tables meanwhile, without failing

        JournalWrites.Write(kit, "n1", Launch("n1"));
        Assert.Equal("session-n1", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
    }

    [Fact]
    public void A_follower_woken_by_writes_sees_a_new_event_without_waiting_for_its_safety_poll()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "w1", Launch("w1"));
        var events = new SqliteTaggedEvents(
            journal.ConnectionString, kit.Sys.Serialization, pollInterval: PollInterval, wakeOnWrite: true, safetyPollInterval: TimeSpan.FromHours(1));
        var probe = kit.CreateTestProbe();
        events.EventsByTag(SessionRegion.Tag, Offset.NoOffset())
            .RunForeach(e => probe.Ref.Tell(e), kit.Sys.Materializer());
        Assert.Equal("session-w1", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
        Assert.True(events.WokenByWrites);
        probe.ExpectNoMsg(PollInterval * 3);

        // Only a wake-up can bring these within the wait: the next look without one is an hour away.
        JournalWrites.Write(kit, "w2", Launch("w2"));
        Assert.Equal("session-w2", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
        JournalWrites.Write(kit, "w3", Launch("w3"));
        JournalWrites.Write(kit, "w1", Started("w1"));
        Assert.Equal(["session-w3", "session-w1"], new[] { probe.ExpectMsg<EventEnvelope>(Wait), probe.ExpectMsg<EventEnvelope>(Wait) }.Select(e => e.PersistenceId));
    }

    [Fact]
    public void The_directory_lists_new_sessions_and_changes_live_and_again_after_a_restart_from_its_saved_projection()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "r1", Launch("r1"));
        var store = new SqliteDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization);
        var first = StartDirectory(kit, store, out var atStart);
        Assert.Equal(["r1"], atStart.Select(s => s.Id));

        JournalWrites.Write(kit, "r2", Launch("r2"));
        JournalWrites.Write(kit, "r1", Started("r1"));
        AwaitListed(kit, first, ["r1 Running", "r2 Starting"]);
        kit.AwaitAssert(() => Assert.Equal(["r1", "r2"], store.Load()?.Sessions.Select(s => s.Id).Order().ToArray() ?? []), Wait);

        kit.Watch(first);
        kit.Sys.Stop(first);
        kit.ExpectTerminated(first, Wait);
        JournalWrites.Write(kit, "r3", Launch("r3"));

        var second = StartDirectory(kit, store, out var afterRestart);
        Assert.Equal(["r1", "r2", "r3"], afterRestart.Select(s => s.Id).Order());
        JournalWrites.Write(kit, "r2", Started("r2"));
        JournalWrites.Write(kit, "r4", Launch("r4"));
        AwaitListed(kit, second, ["r1 Running", "r2 Running", "r3 Starting", "r4 Starting"]);
    }

    /// <summary>The ids in order with repeats next to each other folded: which session wrote when.</summary>
    private static List<string> Runs(IEnumerable<string> ids)
    {
        var runs = new List<string>();
        foreach (var id in ids)
        {
            if (runs.Count == 0 || runs[^1] != id)
            {
                runs.Add(id);
            }
        }

        return runs;
    }

    private SqliteTaggedEvents Events(TestKit kit, bool wakeOnWrite = false) =>
        new(journal.ConnectionString, kit.Sys.Serialization, pageSize: 2, pollInterval: PollInterval, wakeOnWrite: wakeOnWrite);

    /// <summary>Wired as the node wires it: the same <see cref="SqliteTaggedEvents"/> for catch-up and live.</summary>
    private IActorRef StartDirectory(TestKit kit, IDirectoryProjectionStore store, out List<SessionState> caughtUp)
    {
        var probe = kit.CreateTestProbe();
        var events = Events(kit, wakeOnWrite: true);
        var directory = kit.Sys.ActorOf(SessionDirectory.Props(
            events, events, sessions => probe.Ref.Tell(sessions.ToList()), store, TimeSpan.FromMilliseconds(100)));
        caughtUp = probe.ExpectMsg<List<SessionState>>(Wait);
        return directory;
    }

    private static void AwaitListed(TestKit kit, IActorRef directory, string[] expected) =>
        kit.AwaitAssert(() =>
        {
            directory.Tell(new ListSessions(new HashSet<SessionStatus>(), null), kit.TestActor);
            Assert.Equal(expected, kit.ExpectMsg<SessionList>().Sessions.Select(s => $"{s.Id} {s.Status}").Order());
        }, Wait);

    /// <summary>The journal's tagged rows, read with plain SQL, in offset order.</summary>
    private List<(long Ordering, string PersistenceId)> Tagged()
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ordering_id, persistence_id FROM tags WHERE tag = $tag ORDER BY ordering_id;";
        command.Parameters.AddWithValue("$tag", SessionRegion.Tag);
        var orderings = new List<(long, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            orderings.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return orderings;
    }
}
