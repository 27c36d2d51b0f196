using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Directory;

/// <summary>
/// The directory's saved projection on the real SQLite journal: a start from it lists what a full replay lists, reads
/// only the events after its offset, and a missing or unreadable projection falls back to a full replay.
/// </summary>
public sealed class DirectoryProjectionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    [Fact]
    public void A_start_from_the_saved_projection_lists_what_a_full_replay_lists_and_reads_only_later_events()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "p1", Launch("p1"), Started("p1"), Turn("p1", 0.1m));
        JournalWrites.Write(kit, "p2", Launch("p2"));

        var store = Store(kit);
        var first = StartDirectory(kit, store, out var firstCaughtUp);
        Assert.Equal(["p1", "p2"], firstCaughtUp.Select(s => s.Id).Order());
        AwaitSaved(kit, store, ["p1", "p2"]);
        StopDirectory(kit, first);

        // After the save: one more event for p2 and a new session, which the next start must read from the journal.
        JournalWrites.Write(kit, "p2", Started("p2"));
        JournalWrites.Write(kit, "p3", Launch("p3"));
        var saved = store.Load()!;
        var afterSave = Store(kit);
        var replayed = Replay(kit);

        StartDirectory(kit, afterSave, out var fromProjection);
        Assert.Equal(Describe(replayed), Describe(fromProjection));
        Assert.Equal(SessionStatus.Running, fromProjection.Single(s => s.Id == "p2").Status);
        Assert.Equal(1, fromProjection.Single(s => s.Id == "p1").TurnsCompleted);
        Assert.True(saved.Offset > 0);
    }

    [Fact]
    public void A_projection_only_the_store_has_is_listed_so_the_start_did_not_replay_the_journal_from_its_first_event()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "q1", Launch("q1"));
        var store = Store(kit);
        var first = StartDirectory(kit, store, out _);
        AwaitSaved(kit, store, ["q1"]);
        StopDirectory(kit, first);

        // A session present only in the projection, at an offset past every event: listed only if the start read it.
        var ghost = Session.Apply(null, new SessionLaunched("ghost", "name-ghost", ((LaunchSession)Launch("ghost").Command).Spec, At));
        var saved = store.Load()!;
        store.Save([ghost], saved.Offset);

        StartDirectory(kit, Store(kit), out var sessions);
        Assert.Equal(["ghost", "q1"], sessions.Select(s => s.Id).Order());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("corrupt")]
    [InlineData("other version")]
    public void A_missing_or_unreadable_projection_falls_back_to_a_full_replay(string damage)
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "r1", Launch("r1"), Started("r1"), Turn("r1", 0.2m));
        JournalWrites.Write(kit, "r2", Launch("r2"));
        var store = Store(kit);
        var first = StartDirectory(kit, store, out _);
        AwaitSaved(kit, store, ["r1", "r2"]);
        StopDirectory(kit, first);

        // A stale extra row proves the fallback forgets what was saved instead of mixing it in.
        var stale = Session.Apply(null, new SessionLaunched("stale", "name-stale", ((LaunchSession)Launch("stale").Command).Spec, At));
        store.Save([stale], store.Load()!.Offset);
        Damage(damage);

        var replayed = Replay(kit);
        StartDirectory(kit, Store(kit), out var sessions);
        Assert.Equal(["r1", "r2"], sessions.Select(s => s.Id).Order());
        Assert.Equal(Describe(replayed), Describe(sessions));
    }

    [Fact]
    public void The_catch_up_read_from_the_journal_tables_returns_what_the_plugins_tag_query_returns()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "s1", Launch("s1"), Started("s1"), Turn("s1", 0.1m));
        JournalWrites.Write(kit, "s2", Launch("s2"), Started("s2"));
        JournalWrites.Write(kit, "s3", Launch("s3"));
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var direct = new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pageSize: 2);

        foreach (var from in new Offset[] { Offset.NoOffset(), Offset.Sequence(3) })
        {
            var expected = Read(kit, readJournal.CurrentEventsByTag(SessionRegion.Tag, from));
            var actual = Read(kit, direct.CurrentEventsByTag(SessionRegion.Tag, from));
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void The_catch_up_on_a_new_data_dir_whose_journal_tables_do_not_exist_yet_is_empty()
    {
        using var kit = new TestKit(journal.Config());
        var direct = new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization);
        Assert.Empty(Read(kit, direct.CurrentEventsByTag(SessionRegion.Tag, Offset.NoOffset())));
    }

    [Fact]
    public void A_stop_during_a_save_waits_for_it_and_then_saves_what_came_after_it()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "g1", Launch("g1"));
        var store = new GatedStore(Store(kit));
        var directory = StartDirectory(kit, store, out _);
        AwaitSaved(kit, store, ["g1"]);

        // A save held in the store (its states and offset as of g1 started), then a new session while it is held.
        store.Hold();
        JournalWrites.Write(kit, "g1", Started("g1"));
        Assert.True(store.Held.Wait(Wait), "no save began");
        JournalWrites.Write(kit, "g2", Launch("g2"));
        kit.AwaitAssert(() =>
        {
            directory.Tell(new ListSessions(new HashSet<SessionStatus>(), null), kit.TestActor);
            Assert.Equal(["g1", "g2"], kit.ExpectMsg<SessionList>().Sessions.Select(s => s.Id).Order());
        }, Wait);

        // Stopped while the save is held (a system message: handled before the save's completion could be), then let go.
        kit.Watch(directory);
        kit.Sys.Stop(directory);
        store.Release();
        kit.ExpectTerminated(directory, Wait);

        var saved = store.Load()!;
        Assert.Equal(["g1", "g2"], saved.Sessions.Select(s => s.Id).Order());
        Assert.Equal(saved.JournalEnd, saved.Offset);
    }

    /// <summary>A store whose next save, once <see cref="Hold"/> is called, waits until <see cref="Release"/>.</summary>
    private sealed class GatedStore(IDirectoryProjectionStore inner) : IDirectoryProjectionStore
    {
        private readonly ManualResetEventSlim open = new(true);

        public ManualResetEventSlim Held { get; } = new(false);

        public void Hold() => open.Reset();

        public void Release() => open.Set();

        public DirectoryProjection? Load() => inner.Load();

        public void Save(IReadOnlyCollection<SessionState> changed, long offset, IReadOnlyCollection<string>? removed = null)
        {
            if (!open.IsSet)
            {
                Held.Set();
                open.Wait(Wait);
            }

            inner.Save(changed, offset, removed);
        }

        public void Clear() => inner.Clear();
    }

    private static List<string> Read(TestKit kit, Akka.Streams.Dsl.Source<EventEnvelope, Akka.NotUsed> source) =>
        source.RunWith(Akka.Streams.Dsl.Sink.Seq<EventEnvelope>(), kit.Sys.Materializer()).Result
            .Select(e => $"{e.Offset} {e.PersistenceId} {e.SequenceNr} {e.Event}")
            .ToList();

    private void Damage(string damage)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = damage switch
        {
            "missing" => "DELETE FROM session_directory_offset;",
            "corrupt" => "UPDATE session_directory SET state = x'DEADBEEF' WHERE session_id = 'r1';",
            _ => $"UPDATE session_directory_offset SET version = {SqliteDirectoryProjectionStore.Version + 1};",
        };
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private SqliteDirectoryProjectionStore Store(TestKit kit) => new(journal.ConnectionString, kit.Sys.Serialization);

    /// <summary>With a store, wired as the node wires it: catch-up straight from the journal's tables, live through the plugin.</summary>
    private IActorRef StartDirectory(TestKit kit, IDirectoryProjectionStore? store, out List<SessionState> caughtUp)
    {
        var probe = kit.CreateTestProbe();
        var readJournal = PersistenceQuery.Get(kit.Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        void OnCaughtUp(IReadOnlyCollection<SessionState> sessions) => probe.Ref.Tell(sessions.ToList());
        var directory = kit.Sys.ActorOf(store is null
            ? SessionDirectory.Props(readJournal, readJournal, OnCaughtUp)
            : SessionDirectory.Props(
                readJournal, new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pageSize: 2), OnCaughtUp, store, TimeSpan.FromMilliseconds(100)));
        caughtUp = probe.ExpectMsg<List<SessionState>>(Wait);
        return directory;
    }

    /// <summary>What a directory without a store (every event since the first) lists.</summary>
    private List<SessionState> Replay(TestKit kit)
    {
        var directory = StartDirectory(kit, null, out var sessions);
        StopDirectory(kit, directory);
        return sessions;
    }

    private static void StopDirectory(TestKit kit, IActorRef directory)
    {
        kit.Watch(directory);
        kit.Sys.Stop(directory);
        kit.ExpectTerminated(directory, Wait);
    }

    private static void AwaitSaved(TestKit kit, IDirectoryProjectionStore store, string[] ids) =>
        kit.AwaitAssert(() => Assert.Equal(ids, store.Load()?.Sessions.Select(s => s.Id).Order().ToArray() ?? []), Wait);

    private static List<string> Describe(IEnumerable<SessionState> sessions) =>
        sessions.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => $"{s.Id} {s.Status} turns={s.TurnsCompleted} cost={s.CostUsd} pid={s.Pid} updated={s.UpdatedAt:O}")
            .ToList();
}
