using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Npgsql;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Actors.Tests.Directory;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>
/// <see cref="PostgresTaggedEvents"/> on a real PostgreSQL journal written by real session entities through the
/// plugin: every tagged event in the journal's order, none missing and none twice, also while several entities write at
/// once, and an event whose write commits after later ones is not passed over.
/// </summary>
public sealed class PostgresTaggedEventsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task The_live_query_returns_every_tagged_event_in_the_journals_order_also_those_written_after_it_started()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "l1", Launch("l1"), Started("l1"));
        var probe = Follow(kit, journal, Offset.NoOffset());

        JournalWrites.Write(kit, "l2", Launch("l2"));
        JournalWrites.Write(kit, "l1", Turn("l1", 0.1m));
        JournalWrites.Write(kit, "l3", Launch("l3"), Started("l3"));
        var expected = await journal.TaggedAsync(SessionRegion.Tag);
        Assert.True(expected.Count >= 5, $"{expected.Count} tagged rows");
        Assert.Equal(expected, Receive(probe, expected.Count));
        probe.ExpectNoMsg(PollInterval * 5);
    }

    [Fact]
    public async Task The_current_query_returns_what_is_committed_and_the_live_query_after_an_offset_starts_after_it()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "o1", Launch("o1"), Started("o1"), Turn("o1", 0.1m));
        var tagged = await journal.TaggedAsync(SessionRegion.Tag);
        var current = await Events(kit, journal).CurrentEventsByTag(SessionRegion.Tag, Offset.NoOffset())
            .RunAggregate(new List<(long, string)>(), (all, e) => { all.Add((((Sequence)e.Offset).Value, e.PersistenceId)); return all; }, kit.Sys.Materializer());
        Assert.Equal(tagged, current);

        var probe = Follow(kit, journal, Offset.Sequence(tagged[1].Ordering));
        Assert.Equal(tagged.Skip(2), Receive(probe, tagged.Count - 2));
        JournalWrites.Write(kit, "o2", Launch("o2"));
        Assert.Equal("session-o2", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
    }

    [Fact]
    public async Task The_live_query_on_a_database_whose_journal_tables_do_not_exist_yet_waits_for_the_first_event()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        var probe = Follow(kit, journal, Offset.NoOffset());
        probe.ExpectNoMsg(PollInterval * 3); // looks at a database without the tables meanwhile, without failing

        JournalWrites.Write(kit, "n1", Launch("n1"));
        Assert.Equal("session-n1", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
    }

    [Fact]
    public async Task Several_entities_writing_at_once_are_followed_with_every_event_in_the_journals_order()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        var probe = Follow(kit, journal, Offset.NoOffset());
        var ids = Enumerable.Range(1, 8).Select(i => $"c{i}").ToArray();
        var replies = ids.Select(_ => kit.CreateTestProbe()).ToArray();
        var entities = ids.Select(id => kit.Sys.ActorOf(SessionEntity.Props(id, kit.CreateTestProbe().Ref, ActorRefs.Nobody, SessionEntitySettings.Default))).ToArray();

        // Each round goes to every entity before any reply is awaited: their writes meet in the journal's parallel writers.
        foreach (var round in new Func<string, SessionCommandEnvelope>[]
                 {
                     id => Launch(id), id => Started(id), id => Turn(id, 0.1m), id => Respond(id), id => Turn(id, 0.2m), id => Respond(id), id => Turn(id, 0.3m),
                 })
        {
            for (var i = 0; i < ids.Length; i++)
            {
                entities[i].Tell(round(ids[i]), replies[i].Ref);
            }

            foreach (var reply in replies)
            {
                reply.ExpectMsg<SessionAccepted>(Wait);
            }
        }

        var expected = await journal.TaggedAsync(SessionRegion.Tag);
        Assert.True(expected.Count >= ids.Length * 7, $"{expected.Count} tagged rows");
        Assert.Equal(expected, Receive(probe, expected.Count));
        probe.ExpectNoMsg(PollInterval * 3);
    }

    [Fact]
    public async Task An_event_whose_write_commits_after_later_ones_is_not_passed_over_and_a_rolled_back_write_holds_nothing_up()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "h1", Launch("h1"), Started("h1"));
        var inFlightWait = TimeSpan.FromMilliseconds(300);
        var probe = Follow(kit, journal, Offset.NoOffset(), inFlightWait);
        Assert.Equal(["session-h1", "session-h1"], Receive(probe, 2).Select(e => e.PersistenceId));

        // A write of the plugin's shape (a journal row and its tag row in one transaction) that takes its ordering now
        // and stays open while a session writes after it.
        await using var held = new NpgsqlConnection(journal.ConnectionString);
        await held.OpenAsync();
        await using var transaction = await held.BeginTransactionAsync();
        var heldOrdering = await InsertCopyAsync(held, "session-held", 1);
        JournalWrites.Write(kit, "h2", Launch("h2"));
        JournalWrites.Write(kit, "h3", Launch("h3"));

        // The later events are committed, but listing them would pass over the held one for good.
        probe.ExpectNoMsg(inFlightWait * 4);
        await transaction.CommitAsync();
        var expected = await journal.TaggedAsync(SessionRegion.Tag);
        Assert.Equal(["session-held", "session-h2", "session-h3"], expected.Skip(2).Select(e => e.PersistenceId));
        Assert.Equal(heldOrdering, expected[2].Ordering);
        Assert.Equal(expected.Skip(2), Receive(probe, 3));

        // A write rolled back leaves a hole that stays; the events after it come at once.
        await using (var rolledBack = await held.BeginTransactionAsync())
        {
            await InsertCopyAsync(held, "session-gone", 1);
            await rolledBack.RollbackAsync();
        }

        JournalWrites.Write(kit, "h4", Launch("h4"));
        Assert.Equal("session-h4", probe.ExpectMsg<EventEnvelope>(Wait).PersistenceId);
    }

    /// <summary>Inserts, in the connection's open transaction, a copy of the journal's first event for another session, and its tag row.</summary>
    private static async Task<long> InsertCopyAsync(NpgsqlConnection connection, string persistenceId, long sequenceNumber)
    {
        await using var insert = new NpgsqlCommand("""
            WITH row AS (
              INSERT INTO journal (deleted, persistence_id, sequence_number, message, manifest, identifier, created, writer_uuid)
              SELECT deleted, @pid, @seq, message, manifest, identifier, created, writer_uuid FROM journal ORDER BY ordering LIMIT 1
              RETURNING ordering)
            INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) SELECT ordering, @tag, @seq, @pid FROM row RETURNING ordering_id;
            """, connection);
        insert.Parameters.AddWithValue("pid", persistenceId);
        insert.Parameters.AddWithValue("seq", sequenceNumber);
        insert.Parameters.AddWithValue("tag", SessionRegion.Tag);
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    private static PostgresTaggedEvents Events(TestKit kit, PostgresJournal journal, TimeSpan? inFlightWait = null) =>
        new(journal.ConnectionString, kit.Sys.Serialization, pageSize: 2, pollInterval: PollInterval, inFlightWait: inFlightWait);

    private static TestProbe Follow(TestKit kit, PostgresJournal journal, Offset offset, TimeSpan? inFlightWait = null)
    {
        var probe = kit.CreateTestProbe();
        Events(kit, journal, inFlightWait).EventsByTag(SessionRegion.Tag, offset)
            .RunForeach(e => probe.Ref.Tell(e), kit.Sys.Materializer());
        return probe;
    }

    /// <summary>The next <paramref name="count"/> envelopes as (ordering, persistence id), each within the wait.</summary>
    private static List<(long Ordering, string PersistenceId)> Receive(TestProbe probe, int count) =>
        Enumerable.Range(0, count)
            .Select(_ => probe.ExpectMsg<EventEnvelope>(Wait))
            .Select(e => (((Sequence)e.Offset).Value, e.PersistenceId))
            .ToList();
}
