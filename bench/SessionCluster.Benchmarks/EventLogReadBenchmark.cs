using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using SessionCluster.Contracts;
using SessionCluster.Node.EventLog;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Event log reads through the HTTP API of a real node process (issue 7, Performance). A node is started on a new
/// data dir and stopped (its journal and secrets made), then the data dir's SQLite file is seeded through the node's
/// own <see cref="SqliteEventLogStore"/> in writer-sized batches: one session of 10,000 entries and 100,000 entries
/// over 200 sessions of 500, all of <see cref="EventLogMix"/>. The node is started again and each request is timed
/// (client side, full response read) <see cref="Requests"/> times after a few untimed ones:
/// <c>GET /api/sessions/{id}/events?type=tool_use&amp;tail=50</c> on the big session, and <c>GET /api/events/search</c>
/// for a common word, a rare one, <c>rm -rf</c>, <c>Program.cs</c> and <c>migration</c> (over 110,000 entries).
/// The real <c>sessionctl output --type tool_use --tail 50</c> process is timed too, for information (process start
/// included). SESSIONCLUSTER_BENCH_EVENTLOG_READ_DATA_DIR keeps the data dir.
/// </summary>
public static class EventLogReadBenchmark
{
    private const string Name = "event-log-read";
    private const int Requests = 60;
    private const int WarmUp = 5;
    private const string Big = "bench-evlog-big";
    private const double TailTargetMs = 50;
    private const double SearchTargetMs = 100;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        using var temp = new TempDirectory("sessioncluster-evread-");
        var environment = TestNode.Environment("http://127.0.0.1:9", temp.CreateDirectory("home")); // no agent runs here
        var config = temp.Combine("evread.hocon");
        await File.WriteAllTextAsync(config, $$"""sessioncluster.agents.codex.seed-home = "{{environment["CODEX_HOME"]}}" """);
        var dataDir = Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_EVENTLOG_READ_DATA_DIR") is { Length: > 0 } kept
            ? Directory.CreateDirectory(kept).FullName
            : temp.CreateDirectory("data");

        await using var node = await NodeProcess.StartAsync(dataDir, environment, ["--config", config]);
        await node.StopAsync(NodeProcess.SigTerm, TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        var seeded = Seed(Path.Combine(dataDir, "sessions.db"));
        Report.Line("seeded through the store", $"{Report.Num(seeded)} entries in {Report.Ms(clock.Elapsed.TotalMilliseconds)} ({Report.Num(seeded / clock.Elapsed.TotalSeconds)} events/s, batches of 2,000)");
        Report.Line("SQLite file", $"{new FileInfo(Path.Combine(dataDir, "sessions.db")).Length / 1e6:0} MB");

        await node.StartAgainAsync();
        using var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);

        var verdicts = new List<Verdict>();
        var tail = await TimeAsync(http, $"{Api.SessionEvents(Big)}?type=tool_use&tail=50", body => Check(body.Contains("\"tool_use\"", StringComparison.Ordinal), "no tool_use in the tail"));
        Report.Line("GET events?type=tool_use&tail=50 (10,000-entry session)", Describe(tail));
        verdicts.Add(Report.Print(new Verdict(Name, $"output --type tool_use --tail 50 via HTTP, 10,000 entries (median of {Requests}; p95 {Report.Ms(Quantile(tail, 0.95))})",
            Report.Ms(Report.Median(tail)), $"< {TailTargetMs} ms", Report.Median(tail) < TailTargetMs)));

        var since = await TimeAsync(http, $"{Api.SessionEvents(Big)}?since=9950", body => Check(body.Contains("\"seq\":10000", StringComparison.Ordinal), "no entry 10000 after 9950"));
        Report.Line("GET events?since=9950 (10,000-entry session)", Describe(since));

        var worst = 0.0;
        foreach (var q in new[] { "the", EventLogMix.RareWord, "rm -rf", "Program.cs", "migration" })
        {
            var hits = 0;
            var search = await TimeAsync(http, $"{Api.EventSearch}?q={Uri.EscapeDataString(q)}", body => hits = Hits(body));
            Report.Line($"GET search?q={q} ({hits} hits shown)", Describe(search));
            worst = Math.Max(worst, Report.Median(search));
            verdicts.Add(Report.Print(new Verdict(Name, $"search \"{q}\" via HTTP over 110,000 entries (median of {Requests}; p95 {Report.Ms(Quantile(search, 0.95))}; {hits} hits)",
                Report.Ms(Report.Median(search)), $"< {SearchTargetMs} ms", Report.Median(search) < SearchTargetMs)));
        }

        var cli = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var result = await SessionctlProcess.RunAsync(node, "output", Big, "--type", "tool_use", "--tail", "50");
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"sessionctl output failed: {result}");
            }

            cli.Add((result.ReturnedAt - result.StartedAt) * 1000.0 / Stopwatch.Frequency);
        }

        Report.Line("sessionctl output --type tool_use --tail 50 (process)", Report.Spread(cli));
        verdicts.Add(Report.Print(new Verdict(Name, "sessionctl output --type tool_use --tail 50, whole process (median of 5)", Report.Ms(Report.Median(cli)), "-", null)));
        return verdicts;
    }

    /// <summary>The two sessions' worth of entries through the store, in batches as the writer hands them; returns how many.</summary>
    public static long Seed(string file)
    {
        var connectionString = $"Data Source={file};Default Timeout=30;Pooling=True";
        var store = SqliteEventLogStore.Create(connectionString);
        var entries = EventLogMix.Entries();
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var sessions = new List<(string Id, int Count)> { (Big, 10_000) };
        sessions.AddRange(Enumerable.Range(0, 200).Select(i => ($"bench-evlog-{i:D4}", 500)));
        var batch = new List<EventLogRecord>(2_000);
        long written = 0;
        var n = 0;
        foreach (var (id, count) in sessions)
        {
            for (var seq = 1; seq <= count; seq++)
            {
                batch.Add(new EventLogRecord(id, seq, at.AddMilliseconds(n), entries[n++ % entries.Count]) { Agent = n % 3 == 0 ? "codex" : "claude" });
                if (batch.Count == 2_000)
                {
                    store.Append(batch, new Dictionary<string, long>(), EventLogSettings.DefaultMaxEventsPerSession);
                    written += batch.Count;
                    batch.Clear();
                }
            }
        }

        store.Append(batch, new Dictionary<string, long>(), EventLogSettings.DefaultMaxEventsPerSession);
        written += batch.Count;
        SqliteConnection.ClearAllPools();
        return written;
    }

    private static async Task<List<double>> TimeAsync(HttpClient http, string url, Action<string> check)
    {
        var times = new List<double>();
        for (var i = 0; i < WarmUp + Requests; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            var ms = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url}: HTTP {(int)response.StatusCode} {body}");
            }

            check(body);
            if (i >= WarmUp)
            {
                times.Add(ms);
            }
        }

        return times;
    }

    private static int Hits(string body) =>
        System.Text.Json.JsonSerializer.Deserialize<EventSearchDto>(body, Api.Json)?.Hits.Count ?? throw new InvalidOperationException("empty search answer");

    private static void Check(bool ok, string problem)
    {
        if (!ok)
        {
            throw new InvalidOperationException(problem);
        }
    }

    private static double Quantile(List<double> ms, double q)
    {
        var sorted = ms.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }

    private static string Describe(List<double> ms) => $"median {Report.Ms(Report.Median(ms))}, p95 {Report.Ms(Quantile(ms, 0.95))}, max {Report.Ms(ms.Max())} (n={ms.Count})";
}
