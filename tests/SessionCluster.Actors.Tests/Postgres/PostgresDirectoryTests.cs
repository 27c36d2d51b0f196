using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Actors.Tests.Directory;
using SessionCluster.Domain;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>
/// The directory on a real PostgreSQL journal, wired as the node wires it on SQLite (catch-up and live from
/// <see cref="PostgresTaggedEvents"/>, projection in <see cref="PostgresDirectoryProjectionStore"/>): it lists new
/// sessions and changes live, starts again from its saved projection, and the store keeps each node's projection apart.
/// </summary>
public sealed class PostgresDirectoryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_directory_lists_new_sessions_and_changes_live_and_again_after_a_restart_from_its_saved_projection()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "r1", Launch("r1"));
        var store = new PostgresDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization, "node-a");
        var first = StartDirectory(kit, journal, store, out var atStart);
        Assert.Equal(["r1"], atStart.Select(s => s.Id));

        JournalWrites.Write(kit, "r2", Launch("r2"));
        JournalWrites.Write(kit, "r1", Started("r1"));
        AwaitListed(kit, first, ["r1 Running", "r2 Starting"]);
        kit.AwaitAssert(() => Assert.Equal(["r1", "r2"], store.Load()?.Sessions.Select(s => s.Id).Order().ToArray() ?? []), Wait);

        kit.Watch(first);
        kit.Sys.Stop(first);
        kit.ExpectTerminated(first, Wait);
        var saved = store.Load()!;
        JournalWrites.Write(kit, "r3", Launch("r3"));

        // Started again: from the saved offset, reading only what came after it.
        var second = StartDirectory(kit, journal, new PostgresDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization, "node-a"), out var afterRestart);
        Assert.Equal(["r1", "r2", "r3"], afterRestart.Select(s => s.Id).Order());
        Assert.True(saved.Offset > 0 && saved.JournalEnd == saved.Offset, $"offset {saved.Offset}, journal end {saved.JournalEnd}");
        JournalWrites.Write(kit, "r2", Started("r2"));
        JournalWrites.Write(kit, "r4", Launch("r4"));
        AwaitListed(kit, second, ["r1 Running", "r2 Running", "r3 Starting", "r4 Starting"]);
    }

    [Fact]
    public async Task The_store_round_trips_states_and_offset_forgets_removed_sessions_and_keeps_each_projection_apart()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        var a = new PostgresDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization, "node-a");
        var b = new PostgresDirectoryProjectionStore(journal.ConnectionString, kit.Sys.Serialization, "node-b");
        Assert.Null(a.Load()); // nothing saved yet, and no journal tables either

        var s1 = State(kit, "s1");
        var s2 = State(kit, "s2");
        a.Save([s1, s2], 7);
        var loaded = a.Load()!;
        Assert.Equal(7, loaded.Offset);
        Assert.True(loaded.JournalEnd > 0); // the entities' events
        Assert.Equal(Describe([s1, s2]), Describe(loaded.Sessions));
        Assert.Null(b.Load());

        b.Save([s2], 3);
        a.Save([s1 with { Name = "renamed" }], 9, removed: ["s2"]);
        Assert.Equal((9L, "s1 renamed"), (a.Load()!.Offset, string.Join(",", a.Load()!.Sessions.Select(s => $"{s.Id} {s.Name}"))));
        Assert.Equal((3L, "s2"), (b.Load()!.Offset, string.Join(",", b.Load()!.Sessions.Select(s => s.Id))));

        a.Clear();
        Assert.Null(a.Load());
        Assert.Equal(3, b.Load()!.Offset);

        // A projection of another version is not trusted.
        await journal.ScalarAsync<int>($"UPDATE session_directory_offset SET version = {PostgresDirectoryProjectionStore.Version + 1} WHERE projection = 'node-b' RETURNING version");
        Assert.Null(b.Load());
    }

    private static List<string> Describe(IEnumerable<SessionState> sessions) =>
        sessions.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => $"{s.Id} {s.Name} {s.Status} {s.Prompt} env={string.Join(',', s.Env.Keys)} created={s.CreatedAt:O} updated={s.UpdatedAt:O}")
            .ToList();

    /// <summary>A real session's state: what its entity answers after a launch (its events persisted).</summary>
    private static SessionState State(TestKit kit, string id)
    {
        var entity = kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, ActorRefs.Nobody, SessionEntitySettings.Default));
        entity.Tell(Launch(id), kit.TestActor);
        return kit.ExpectMsg<SessionAccepted>(Wait).State;
    }

    private static IActorRef StartDirectory(TestKit kit, PostgresJournal journal, IDirectoryProjectionStore store, out List<SessionState> caughtUp)
    {
        var probe = kit.CreateTestProbe();
        var events = new PostgresTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pageSize: 2, pollInterval: TimeSpan.FromMilliseconds(100));
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
}
