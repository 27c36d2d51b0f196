using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using SessionCluster.Contracts;
using SessionCluster.Node.EventLog;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

/// <summary>
/// GET /api/sessions/{id}/events/stream over real HTTP (Kestrel on a free port, the node's token middleware), with the
/// real writer, feed and SQLite store. The session's status comes from <see cref="Statuses"/>, standing in for the
/// session entity (the end-to-end tests follow real sessions).
/// </summary>
public sealed class EventStreamEndpointTests : IAsyncLifetime
{
    private const string Token = "stream-token";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TempDir temp = new();
    private readonly Statuses statuses = new();
    private EventLogWriter writer = null!;
    private WebApplication app = null!;
    private HttpClient http = null!;

    private EventLogFeed feed = null!;
    private SqliteEventLogStore store = null!;

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Create(dataDir: temp.Path);
        SqliteJournalFile.Prepare(settings.SqliteFile, settings.JournalConnectionString);
        store = SqliteEventLogStore.Create(settings.JournalConnectionString);
        feed = new EventLogFeed();
        writer = new EventLogWriter(store, EventLogSettings.Default, ex => throw ex, feed);
        (app, http) = await StartAsync(followBuffer: 1000);
    }

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(int followBuffer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IEventLogStore>(store);
        builder.Services.AddSingleton(ApiToken.LoadOrCreate(Token, temp.Path));
        builder.Services.AddEventStream(writer, feed, new EventStreamSettings(
            FollowBuffer: followBuffer, Heartbeat: TimeSpan.FromMilliseconds(300), StatusInterval: TimeSpan.FromMilliseconds(100), LastWriteTimeout: TimeSpan.FromSeconds(2)));
        builder.Services.AddSingleton<IEventStreamStatusSource>(statuses);
        var started = builder.Build();
        started.UseMiddleware<BearerTokenMiddleware>();
        started.MapEventStreamEndpoints();
        await started.StartAsync();

        var client = new HttpClient { BaseAddress = new Uri(started.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return (started, client);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private async Task Write(string session, params string[] summaries)
    {
        foreach (var summary in summaries)
        {
            writer.Append(session, "claude", new EventLogEntry(summary.StartsWith("$") ? EventLogTypes.Command : EventLogTypes.Text, summary, "{}", false), T0);
        }

        await writer.FlushedAsync();
    }

    [Fact]
    public async Task Without_the_token_it_is_a_401()
    {
        statuses.Set("s1", "running");
        using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };

        using var response = await anonymous.GetAsync(Api.SessionEventStream("s1"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("no-such-session")]
    [InlineData(".hidden")]
    public async Task An_unknown_session_is_a_404(string id)
    {
        using var response = await http.GetAsync(Api.SessionEventStream(id));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(id, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("type=shell", null, "unknown event type 'shell'; types are: text,")]
    [InlineData("since=-1", null, "since must be a sequence number")]
    [InlineData("tail=0", null, "tail must be a whole number from 1 to 1000")]
    [InlineData("since=1&since=2", null, "since may be given once")]
    [InlineData("", "abc", "Last-Event-ID must be a sequence number (a whole number, 0 or more), not 'abc'")]
    [InlineData("", "-3", "Last-Event-ID must be a sequence number")]
    public async Task Bad_parameters_are_a_400_naming_the_parameter(string query, string? lastEventId, string says)
    {
        statuses.Set("s2", "running");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Api.SessionEventStream("s2")}?{query}");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stored_entries_then_live_ones_then_end_at_the_final_status()
    {
        statuses.Set("live", "running");
        await Write("live", "one", "$ ls", "two");

        await using var stream = await SseStream.OpenAsync(http, $"{Api.SessionEventStream("live")}?since=1");
        Assert.Equal("text/event-stream", stream.ContentType);
        var stored = await stream.ReadAsync(2);
        Assert.Equal([("2", "command"), ("3", "text")], stored.Select(e => (e.Id, e.Type)));
        var dto = JsonSerializer.Deserialize<SessionEventDto>(stored[0].Data, Api.Json)!;
        Assert.Equal(new SessionEventDto(2, T0, "command", "$ ls", "{}", false), dto);

        await Write("live", "three", "four");
        var live = await stream.ReadAsync(2);
        Assert.Equal(["4", "5"], live.Select(e => e.Id));

        // Written just before the session ends: sent before end, nothing after it.
        writer.Append("live", "claude", new EventLogEntry(EventLogTypes.TurnCompleted, "done", "{}", false), T0);
        statuses.Set("live", "completed");
        var last = await stream.ReadToEndAsync();
        Assert.Equal([("6", "turn_completed"), (null, "end")], last.Select(e => (e.Id, e.Type)));
        Assert.Equal("completed", JsonSerializer.Deserialize<EventStreamEndDto>(last[^1].Data, Api.Json)!.Status);
    }

    [Fact]
    public async Task Last_event_id_resumes_after_that_entry_and_wins_over_since_with_no_duplicates()
    {
        statuses.Set("resume", "running");
        await Write("resume", "a", "b", "c", "d");

        await using (var first = await SseStream.OpenAsync(http, Api.SessionEventStream("resume")))
        {
            Assert.Equal(["1", "2", "3", "4"], (await first.ReadAsync(4)).Select(e => e.Id));
        }

        await Write("resume", "e", "f");
        await using var again = await SseStream.OpenAsync(http, $"{Api.SessionEventStream("resume")}?since=0&tail=1", lastEventId: "2");
        var resumed = await again.ReadAsync(4);
        Assert.Equal(["3", "4", "5", "6"], resumed.Select(e => e.Id));

        await Write("resume", "g");
        statuses.Set("resume", "killed");
        var rest = await again.ReadToEndAsync();
        Assert.Equal([("7", "text"), (null, "end")], rest.Select(e => (e.Id, e.Type)));
        Assert.Contains("\"status\":\"killed\"", rest[^1].Data);
    }

    [Fact]
    public async Task A_session_already_final_gets_what_is_stored_of_its_types_then_end()
    {
        statuses.Set("done", "failed");
        await Write("done", "said", "$ make", "more", "$ make test");

        await using var stream = await SseStream.OpenAsync(http, $"{Api.SessionEventStream("done")}?type=command");
        var all = await stream.ReadToEndAsync();

        Assert.Equal([("2", "command"), ("4", "command"), (null, "end")], all.Select(e => (e.Id, e.Type)));
        Assert.Equal("failed", JsonSerializer.Deserialize<EventStreamEndDto>(all[^1].Data, Api.Json)!.Status);
    }

    [Fact]
    public async Task The_tail_starts_a_fresh_stream_from_the_last_entries()
    {
        statuses.Set("tail", "interrupted");
        await Write("tail", "1", "2", "3", "4", "5");

        await using var stream = await SseStream.OpenAsync(http, $"{Api.SessionEventStream("tail")}?tail=2");

        Assert.Equal(["4", "5", null], (await stream.ReadToEndAsync()).Select(e => e.Id));
    }

    [Fact]
    public async Task A_quiet_stream_gets_keep_alive_comments()
    {
        statuses.Set("quiet", "waiting-for-input");

        await using var stream = await SseStream.OpenAsync(http, Api.SessionEventStream("quiet"));

        Assert.Equal(": keep-alive", await stream.ReadCommentAsync());
    }

    [Fact]
    public async Task A_stopping_node_ends_its_streams_with_dropped_naming_the_reason_instead_of_waiting_for_them()
    {
        statuses.Set("stop", "running");
        await Write("stop", "before");
        await using var stream = await SseStream.OpenAsync(http, Api.SessionEventStream("stop"));
        Assert.Equal(["1"], (await stream.ReadAsync(1)).Select(e => e.Id));

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        var stopping = app.StopAsync();
        var last = Assert.Single(await stream.ReadToEndAsync());
        await stopping;

        Assert.Equal("dropped", last.Type);
        Assert.Contains("the node is stopping; reconnect with the Last-Event-ID header", JsonSerializer.Deserialize<EventStreamDroppedDto>(last.Data, Api.Json)!.Reason);
        Assert.True(stopped.Elapsed < Deadline, $"the host waited {stopped.Elapsed} for the stream");
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_while_the_writer_keeps_committing()
    {
        const int total = 4000;
        statuses.Set("slow", "running");
        var (small, smallHttp) = await StartAsync(followBuffer: 10);
        try
        {
            await using var stream = await SseStream.OpenAsync(smallHttp, Api.SessionEventStream("slow"));
            Assert.Equal(1, feed.Count);

            // 8 KiB each, about 33 MB in all: far more than the socket buffers hold for a client that reads nothing.
            var raw = $$"""{"pad":"{{new string('x', 8 * 1024)}}"}""";
            for (var i = 1; i <= total; i++)
            {
                writer.Append("slow", "claude", new EventLogEntry(EventLogTypes.Text, $"e{i}", raw, false), T0);
            }

            await writer.FlushedAsync();
            Assert.Equal(total, store.Head("slow")!.LastSeq);
            // Dropped from the feed: the writer no longer offers it anything.
            await WaitUntil(() => feed.Count == 0);

            // Now reading: what was in flight, then the end of the response (the dropped event, or the closed connection).
            var ids = new List<long>();
            string? lastType = null;
            try
            {
                foreach (var e in await stream.ReadToEndAsync())
                {
                    lastType = e.Type;
                    if (e.Id is not null)
                    {
                        ids.Add(long.Parse(e.Id));
                    }
                }
            }
            catch (IOException)
            {
                lastType = "(connection closed)";
            }
            catch (HttpRequestException)
            {
                lastType = "(connection closed)";
            }

            Assert.True(ids.Count < total, $"all {total} entries reached a client that read nothing while they were written");
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids);
            Assert.Contains(lastType, new[] { "dropped", "(connection closed)" });
        }
        finally
        {
            smallHttp.Dispose();
            await small.StopAsync();
            await small.DisposeAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Deadline, $"not within {Deadline.TotalSeconds} s");
            await Task.Delay(10);
        }
    }

    /// <summary>Session statuses as the test sets them; an unknown id is a 404 as the session entity answers.</summary>
    private sealed class Statuses : IEventStreamStatusSource
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> statuses = new();

        public void Set(string id, string status) => statuses[id] = status;

        public Task<EventStreamStatus> CheckAsync(string sessionId) => Task.FromResult(statuses.TryGetValue(sessionId, out var status)
            ? new EventStreamStatus(status, status is "completed" or "failed" or "killed" or "interrupted", null)
            : new EventStreamStatus(null, false, Problems.NotFound($"no session '{sessionId}'")));
    }
}
