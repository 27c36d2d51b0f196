using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Live follow with real agents: `sessionctl output --follow` started while a session waits on a permission prints
/// what is stored, then what the agent does once approved, and exits 0 when the session completes; the SSE route
/// itself resumes by Last-Event-ID with nothing missed or repeated.
/// </summary>
public sealed partial class EventFollowTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task Output_follow_prints_a_live_sessions_events_as_they_come_and_exits_0_when_it_completes(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var marker = "followed-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Model.Enqueue(agent.RunCommand($"printf {marker} > followed.txt"), ModelReply.Text($"Printed {marker}."));
        var launched = await Ctl.SessionAsync(agent.Launch(fixture.NewWorkdir(), "print the marker", "--single-turn"));
        await Ctl.WaitAsync(launched.Id, "waiting-for-input");

        await using var follow = FollowingSessionctl.Start(fixture.Node, "output", launched.Id, "--follow");
        // What happened up to the permission request, while the session is still live.
        await Eventually.HoldsAsync(() =>
        {
            Assert.NotEmpty(follow.Lines);
            return Task.CompletedTask;
        });
        Assert.False(follow.HasExited, "the session waits on a permission: the follow goes on");
        Assert.DoesNotContain(follow.Lines, l => l.Contains($"Printed {marker}."));

        await Ctl.SessionAsync("approve", launched.Id);
        var (exitCode, stderr) = await follow.ExitAsync();

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Contains($"session {launched.Id} completed", stderr);
        var lines = follow.Lines;
        Assert.All(lines, line => Assert.Matches(OutputLine(), line));
        Assert.Contains(lines, l => l.Contains("text") && l.Contains($"Printed {marker}."));
        Assert.Contains(lines, l => l.Contains("turn_completed"));

        // Every entry once, in order: the same numbers as the stored log.
        var stored = JsonSerializer.Deserialize<SessionEventsDto>((await Ctl.RunAsync("output", launched.Id, "--json")).Stdout, Api.Json)!;
        Assert.Equal(stored.Events.Select(e => e.Seq), lines.Select(l => long.Parse(OutputLine().Match(l).Groups[1].Value)));

        // A follow of a finished session prints what is stored and ends at once; --json gives one object per line.
        var again = await Ctl.RunAsync("output", launched.Id, "--follow", "--json", "--type", "text");
        Assert.True(again.ExitCode == 0, again.ToString());
        var texts = again.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<SessionEventDto>(l, Api.Json)!).ToList();
        Assert.Equal(stored.Events.Where(e => e.Type == "text").Select(e => e.Seq), texts.Select(e => e.Seq));
        Assert.Contains($"session {launched.Id} completed", again.Stderr);
    }

    [Fact]
    public async Task The_stream_resumes_by_last_event_id_with_nothing_missed_or_repeated_and_ends_when_the_session_is_killed()
    {
        fixture.Model.Enqueue(ModelReply.Text("One."), ModelReply.Text("Two."));
        var launched = await Ctl.SessionAsync("launch", "--workdir", fixture.NewWorkdir(), "--prompt", "first");
        await Ctl.WaitAsync(launched.Id, "waiting-for-input");

        using var http = new HttpClient { BaseAddress = new Uri(fixture.Node.Url), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Node.Token);

        var seen = new List<(long Seq, string Type, SessionEventDto Event)>();

        await using (var first = await Sse.OpenAsync(http, Api.SessionEventStream(launched.Id), null))
        {
            while (seen.Count == 0 || seen[^1].Type != "turn_completed")
            {
                var e = await first.NextAsync();
                seen.Add((long.Parse(e.Id!), e.Type, JsonSerializer.Deserialize<SessionEventDto>(e.Data, Api.Json)!));
            }
        }

        var firstTurn = seen.Count;
        await Ctl.SessionAsync("respond", launched.Id, "second");
        await using (var resumed = await Sse.OpenAsync(http, Api.SessionEventStream(launched.Id), seen[^1].Seq))
        {
            while (seen[^1].Type != "turn_completed" || seen.Count == firstTurn)
            {
                var e = await resumed.NextAsync();
                seen.Add((long.Parse(e.Id!), e.Type, JsonSerializer.Deserialize<SessionEventDto>(e.Data, Api.Json)!));
            }

            await Ctl.SessionAsync("kill", launched.Id);
            var end = await resumed.NextAsync();
            while (end.Type != Api.StreamEnd)
            {
                seen.Add((long.Parse(end.Id!), end.Type, JsonSerializer.Deserialize<SessionEventDto>(end.Data, Api.Json)!));
                end = await resumed.NextAsync();
            }

            Assert.Equal("killed", JsonSerializer.Deserialize<EventStreamEndDto>(end.Data, Api.Json)!.Status);
            Assert.Null(await resumed.NextOrEndAsync());
        }

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(s => s.Seq));
        Assert.Contains(seen, s => s.Type == "text" && s.Event.Summary == "One.");
        Assert.Contains(seen.Skip(firstTurn), s => s.Type == "text" && s.Event.Summary == "Two.");
    }

    [GeneratedRegex(@"^\s*(\d+)  \d\d:\d\d:\d\d\.\d{3}  [a-z_]+\s+")]
    private static partial Regex OutputLine();

    /// <summary>A server-sent event stream read event by event, each within a deadline.</summary>
    private sealed class Sse(HttpResponseMessage response, StreamReader reader) : IAsyncDisposable
    {
        public sealed record Event(string? Id, string Type, string Data);

        public static async Task<Sse> OpenAsync(HttpClient http, string path, long? lastEventId)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (lastEventId is { } id)
            {
                request.Headers.Add("Last-Event-ID", id.ToString());
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                // Read only when it failed: a stream's body never ends.
                Assert.Fail($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            return new Sse(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        public async Task<Event> NextAsync() => await NextOrEndAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended");

        public async Task<Event?> NextOrEndAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? id = null, type = null, data = null;
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.Length == 0 && data is not null)
                {
                    return new Event(id, type ?? "message", data);
                }

                if (line.StartsWith("id: ")) id = line[4..];
                else if (line.StartsWith("event: ")) type = line[7..];
                else if (line.StartsWith("data: ")) data = line[6..];
            }

            return null;
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
