using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>
/// What every <see cref="IEventLogStore"/> does, with the writer in front of it, against a real database: one subclass
/// per store (SQLite, PostgreSQL), each test on an empty database of its own.
/// </summary>
public abstract class EventLogStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A store on the test's database (a new instance each call, as after a node restart).</summary>
    protected abstract IEventLogStore CreateStore();

    /// <summary>How many of the newest matches the store ranks.</summary>
    protected abstract int RankedMatches { get; }

    /// <summary>Runs <paramref name="sql"/> on the test's database, past the store.</summary>
    protected abstract void Execute(string sql);

    protected static EventLogEntry Entry(string type, string summary) => new(type, summary, $$"""{"summary":"{{summary}}"}""", false);

    private static EventLogRecord Record(string session, long seq, string type = EventLogTypes.Text) =>
        new(session, seq, T0.AddSeconds(seq), Entry(type, $"entry {seq}"));

    private static EventLogQuery All(string session) => new(session, null, 0, null, 1000);

    [Fact]
    public void Entries_are_read_back_in_order_with_every_field()
    {
        var store = CreateStore();
        store.Append([Record("a", 1), Record("a", 2, EventLogTypes.ToolUse) with { Entry = new(EventLogTypes.ToolUse, "Bash: ls", "{}", true) }], new Dictionary<string, long>(), 100);

        var page = store.Read(All("a"))!;

        Assert.Equal(new EventLogHead(2, 0), page.Head);
        Assert.Equal([1L, 2L], page.Events.Select(e => e.Seq));
        Assert.Equal(new EventLogRecord("a", 2, T0.AddSeconds(2), new(EventLogTypes.ToolUse, "Bash: ls", "{}", true)), page.Events[1]);
        Assert.Null(store.Read(All("b")));
        Assert.Null(store.Head("b"));
    }

    [Fact]
    public void A_deleted_log_is_gone_from_reads_and_search_and_the_others_stay()
    {
        var store = CreateStore();
        store.Append([Record("pruned", 1) with { Entry = Entry(EventLogTypes.Command, "rm -rf build") }, Record("kept", 1) with { Entry = Entry(EventLogTypes.Command, "rm -rf dist") }],
            new Dictionary<string, long>(), 100);

        store.Delete("pruned");

        Assert.Null(store.Read(All("pruned")));
        Assert.Null(store.Head("pruned"));
        Assert.Equal(["kept"], store.Search(new EventSearchQuery("rm -rf", null, null, 10)).Select(h => h.SessionId));
        Assert.Single(store.Read(All("kept"))!.Events);
    }

    [Fact]
    public void Type_since_and_tail_filter_and_the_tail_is_the_newest_oldest_first()
    {
        var store = CreateStore();
        var types = new[] { EventLogTypes.Text, EventLogTypes.ToolUse, EventLogTypes.ToolResult, EventLogTypes.Command };
        store.Append(Enumerable.Range(1, 40).Select(i => Record("s", i, types[i % 4])).ToList(), new Dictionary<string, long>(), 100);

        var toolUses = store.Read(All("s") with { Types = new HashSet<string> { EventLogTypes.ToolUse, EventLogTypes.Command } })!;
        Assert.All(toolUses.Events, e => Assert.Contains(e.Entry.Type, new[] { EventLogTypes.ToolUse, EventLogTypes.Command }));
        Assert.Equal(20, toolUses.Events.Count);

        Assert.Equal([38L, 39L, 40L], store.Read(All("s") with { Tail = 3 })!.Events.Select(e => e.Seq));
        Assert.Equal([31L, 35L, 39L], store.Read(All("s") with { Tail = 3, Types = new HashSet<string> { EventLogTypes.Command } })!.Events.Select(e => e.Seq));
        Assert.Equal([39L, 40L], store.Read(All("s") with { Since = 38 })!.Events.Select(e => e.Seq));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], store.Read(All("s") with { Limit = 5 })!.Events.Select(e => e.Seq));
    }

    [Fact]
    public void Beyond_the_bound_the_oldest_are_deleted_and_counted_as_dropped()
    {
        var store = CreateStore();
        store.Append(Enumerable.Range(1, 8).Select(i => Record("s", i)).ToList(), new Dictionary<string, long>(), 5);
        store.Append([Record("s", 9), Record("other", 1)], new Dictionary<string, long> { ["s"] = 2 }, 5);

        var page = store.Read(All("s"))!;

        Assert.Equal([5L, 6L, 7L, 8L, 9L], page.Events.Select(e => e.Seq));
        Assert.Equal(new EventLogHead(9, 4 + 2), page.Head);
        Assert.Equal(new EventLogHead(1, 0), store.Head("other"));
    }

    [Fact]
    public async Task The_writer_numbers_each_session_from_one_and_a_new_writer_goes_on_after_the_last()
    {
        var store = CreateStore();
        var writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex);
        for (var i = 1; i <= 3; i++)
        {
            writer.Append("a", "claude", Entry(EventLogTypes.Text, $"a{i}"), T0);
            writer.Append("b", "claude", Entry(EventLogTypes.Text, $"b{i}"), T0);
        }

        await writer.DisposeAsync();

        // As after a node restart: the next number is read from the database once.
        var again = new EventLogWriter(CreateStore(), EventLogSettings.Default, ex => throw ex);
        again.Append("a", "claude", Entry(EventLogTypes.Text, "a4"), T0);
        await again.DisposeAsync();

        var a = store.Read(All("a"))!;
        Assert.Equal([(1L, "a1"), (2L, "a2"), (3L, "a3"), (4L, "a4")], a.Events.Select(e => (e.Seq, e.Entry.Summary)));
        Assert.Equal(new EventLogHead(3, 0), store.Head("b"));
    }

    [Fact]
    public async Task Entries_are_written_within_the_flush_interval_without_the_writer_being_stopped()
    {
        var store = CreateStore();
        var writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex);
        try
        {
            writer.Append("live", "claude", Entry(EventLogTypes.Text, "hello"), T0);

            var deadline = System.Diagnostics.Stopwatch.StartNew();
            while (store.Head("live") is null)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "the entry was not written within 5 s");
                await Task.Delay(10);
            }

            Assert.Equal("hello", store.Read(All("live"))!.Events.Single().Entry.Summary);
        }
        finally
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_full_queue_never_blocks_the_agent_and_what_did_not_fit_is_counted_as_dropped()
    {
        // The database is stuck in the first batch's transaction until the agent has printed everything.
        using var stuck = new ManualResetEventSlim();
        var store = new Gated(CreateStore(), stuck);
        var writer = new EventLogWriter(store, EventLogSettings.Default with { Capacity = 10, MaxBatch = 10 }, ex => throw ex);
        for (var i = 0; i < 1000; i++)
        {
            writer.Append("busy", "claude", Entry(EventLogTypes.Text, $"e{i}"), T0);
        }

        stuck.Set();
        await writer.DisposeAsync();

        // At most a batch in the stuck transaction and a full queue got through; every other entry is counted.
        var head = store.Head("busy")!;
        Assert.Equal(1000, head.LastSeq + head.Dropped);
        Assert.True(head.LastSeq <= 20, $"kept {head.LastSeq}");
    }

    [Fact]
    public async Task A_batch_that_cannot_be_written_is_reported_and_counted_as_dropped_with_a_later_batch()
    {
        var failing = new FailingOnce(CreateStore());
        var failures = new List<Exception>();
        var writer = new EventLogWriter(failing, EventLogSettings.Default, failures.Add);
        writer.Append("s", "claude", Entry(EventLogTypes.Text, "lost"), T0);
        await WaitUntil(() => failures.Count == 1);
        writer.Append("s", "claude", Entry(EventLogTypes.Text, "kept"), T0);
        await writer.DisposeAsync();

        var page = failing.Read(All("s"))!;
        Assert.Equal([(1L, "kept")], page.Events.Select(e => (e.Seq, e.Entry.Summary)));
        Assert.Equal(1, page.Head.Dropped);
    }

    [Fact]
    public void Search_finds_a_phrase_across_sessions_ranked_with_a_snippet_and_filters_by_type_and_agent()
    {
        var store = CreateStore();
        EventLogRecord At(string session, long seq, string type, string summary, string agent) =>
            new(session, seq, T0, new EventLogEntry(type, summary, "{}", false)) { Agent = agent };
        store.Append(
            [
                At("a", 1, EventLogTypes.ToolUse, "Bash: rm -rf build", "claude"),
                At("a", 2, EventLogTypes.Text, "I removed the build folder", "claude"),
                At("b", 1, EventLogTypes.Command, "rm -rf node_modules -> exit 0 (completed)", "codex"),
                At("b", 2, EventLogTypes.FileChange, "completed: src/Program.cs", "codex"),
                At("c", 1, EventLogTypes.Text, "the rf signal was weak; rm nothing", "claude"),
            ],
            new Dictionary<string, long>(),
            100);

        var rm = store.Search(new EventSearchQuery("rm -rf", null, null, 10));
        Assert.Equal([("a", 1L), ("b", 1L)], rm.Select(h => (h.SessionId, h.Seq)).Order());
        Assert.Matches(@"^Bash: \[rm\]? ?-?\[?rf\] build$", rm.First(h => h.SessionId == "a").Snippet);

        Assert.Equal([("b", 1L)], store.Search(new EventSearchQuery("rm -rf", new HashSet<string> { EventLogTypes.Command }, null, 10)).Select(h => (h.SessionId, h.Seq)));
        Assert.Equal([("a", 1L)], store.Search(new EventSearchQuery("rm -rf", null, "claude", 10)).Select(h => (h.SessionId, h.Seq)));
        Assert.Equal(EventLogTypes.FileChange, store.Search(new EventSearchQuery("Program.cs", null, null, 10)).Single().Type);
        Assert.Single(store.Search(new EventSearchQuery("rm -rf", null, null, 1)));
        // Query syntax in the text is only text.
        Assert.Empty(store.Search(new EventSearchQuery("\"build OR node_modules", null, null, 10)));
    }

    [Fact]
    public void A_word_in_more_entries_than_a_search_ranks_is_ranked_among_the_newest_matches()
    {
        var store = CreateStore();
        // The best match (short, the word twice) is the oldest entry.
        store.Append([new("old", 1, T0, Entry(EventLogTypes.Text, "needle needle"))], new Dictionary<string, long>(), 100_000);
        var newer = Enumerable.Range(1, RankedMatches - 1)
            .Select(i => new EventLogRecord("new", i, T0, Entry(EventLogTypes.Text, $"a needle in a long haystack of many other words {i}")))
            .ToList();
        store.Append(newer, new Dictionary<string, long>(), 100_000);

        // As many matches as are ranked: all of them, the best first.
        Assert.Equal("old", store.Search(new EventSearchQuery("needle", null, null, 1)).Single().SessionId);

        store.Append([new("new", RankedMatches, T0, Entry(EventLogTypes.Text, "one more needle among words"))], new Dictionary<string, long>(), 100_000);

        // One more: the oldest is beyond the newest ranked matches; a rarer phrase still finds it.
        Assert.Equal("new", store.Search(new EventSearchQuery("needle", null, null, 1)).Single().SessionId);
        Assert.Equal("old", store.Search(new EventSearchQuery("needle needle", null, null, 1)).Single().SessionId);
    }

    [Fact]
    public void Entries_dropped_beyond_the_bound_are_no_longer_found()
    {
        var store = CreateStore();
        store.Append([new("s", 1, T0, Entry(EventLogTypes.Text, "migration started"))], new Dictionary<string, long>(), 1);
        Assert.Single(store.Search(new EventSearchQuery("migration", null, null, 10)));

        store.Append([new("s", 2, T0, Entry(EventLogTypes.Text, "all done"))], new Dictionary<string, long>(), 1);

        Assert.Empty(store.Search(new EventSearchQuery("migration", null, null, 10)));
        AssertIndexIntact();
    }

    [Fact]
    public void Search_reads_every_summary_and_the_raw_json_only_of_the_agents_own_words()
    {
        var store = CreateStore();
        EventLogRecord With(long seq, string type, string summary, string raw) => new("s", seq, T0, new EventLogEntry(type, summary, raw, false));
        var wordTypes = new[] { EventLogTypes.Text, EventLogTypes.Thinking, EventLogTypes.Question, EventLogTypes.Plan, EventLogTypes.Error };
        var otherTypes = new[]
        {
            EventLogTypes.ToolResult, EventLogTypes.ToolUse, EventLogTypes.Command, EventLogTypes.FileChange, EventLogTypes.TurnStarted,
            EventLogTypes.TurnCompleted, EventLogTypes.ApiRetry, EventLogTypes.Unknown,
        };
        var all = wordTypes.Concat(otherTypes).ToList();
        store.Append(
            all.Select((t, i) => With(i + 1, t, $"summary of {t.Replace('_', ' ')}", $$"""{"words":"beyond the summary {{t.Replace('_', ' ')}} quokka"}""")).ToList(),
            new Dictionary<string, long>(),
            100);

        Assert.Equal(wordTypes.Order(), store.Search(new EventSearchQuery("quokka", null, null, 50)).Select(h => h.Type).Order());
        Assert.Equal(all.Order(), store.Search(new EventSearchQuery("summary of", null, null, 50)).Select(h => h.Type).Order());
        var plan = store.Search(new EventSearchQuery("plan quokka", null, null, 50)).Single();
        Assert.Equal("summary of plan {\"words\":\"beyond the summary [plan quokka]\"}", plan.Snippet);
        AssertIndexIntact();
    }

    [Fact]
    public void Deleting_a_session_s_rows_removes_them_from_the_index()
    {
        var store = CreateStore();
        store.Append(
            [
                new("gone", 1, T0, new EventLogEntry(EventLogTypes.Thinking, "about the migration", """{"thinking":"about the migration of rows"}""", false)),
                new("gone", 2, T0, Entry(EventLogTypes.Command, "rm -rf build -> exit 0")),
                new("kept", 1, T0, Entry(EventLogTypes.Text, "the migration stays")),
            ],
            new Dictionary<string, long>(),
            100);

        // Rows deleted past the store (SQLite: through the delete trigger; PostgreSQL: the generated column) leave the index.
        Execute("DELETE FROM session_events WHERE session_id = 'gone'; DELETE FROM session_event_logs WHERE session_id = 'gone';");

        Assert.Equal("kept", store.Search(new EventSearchQuery("migration", null, null, 10)).Single().SessionId);
        Assert.Empty(store.Search(new EventSearchQuery("rm -rf", null, null, 10)));
        AssertIndexIntact();

        // The newest rows were deleted, so new rows may take their row ids again (SQLite): they are indexed as new rows.
        store.Append([new("gone", 1, T0, Entry(EventLogTypes.Command, "rm -rf again -> exit 0"))], new Dictionary<string, long>(), 100);
        Assert.Equal("gone", store.Search(new EventSearchQuery("rm -rf", null, null, 10)).Single().SessionId);
        AssertIndexIntact();
    }

    [Fact]
    public void A_batch_longer_than_the_bound_leaves_only_its_kept_entries_in_the_index()
    {
        var store = CreateStore();
        store.Append(
            Enumerable.Range(1, 5).Select(i => new EventLogRecord("s", i, T0, Entry(EventLogTypes.Text, $"migration step {i}"))).ToList(),
            new Dictionary<string, long>(),
            2);

        Assert.Equal([4L, 5L], store.Search(new EventSearchQuery("migration", null, null, 10)).Select(h => h.Seq).Order());
        AssertIndexIntact();
    }

    /// <summary>The store's own check that its search index holds exactly what its rows say.</summary>
    protected virtual void AssertIndexIntact()
    {
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "not within 5 s");
            await Task.Delay(10);
        }
    }

    private sealed class Gated(IEventLogStore inner, ManualResetEventSlim open) : IEventLogStore
    {
        public EventLogHead? Head(string sessionId) => inner.Head(sessionId);

        public void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession)
        {
            open.Wait(TimeSpan.FromSeconds(30));
            inner.Append(events, dropped, maxPerSession);
        }

        public EventLogPage? Read(EventLogQuery query) => inner.Read(query);

        public void Delete(string sessionId) => inner.Delete(sessionId);

        public IReadOnlyList<EventSearchHit> Search(EventSearchQuery query) => inner.Search(query);
    }

    private sealed class FailingOnce(IEventLogStore inner) : IEventLogStore
    {
        private bool failed;

        public EventLogHead? Head(string sessionId) => inner.Head(sessionId);

        public void Append(IReadOnlyList<EventLogRecord> events, IReadOnlyDictionary<string, long> dropped, int maxPerSession)
        {
            if (!failed)
            {
                failed = true;
                throw new InvalidOperationException("database is locked");
            }

            inner.Append(events, dropped, maxPerSession);
        }

        public EventLogPage? Read(EventLogQuery query) => inner.Read(query);

        public void Delete(string sessionId) => inner.Delete(sessionId);

        public IReadOnlyList<EventSearchHit> Search(EventSearchQuery query) => inner.Search(query);
    }
}
