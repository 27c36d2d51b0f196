using System.Diagnostics;
using System.Net.Http.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Restart with a journal full of finished sessions (issue 7, section 3): a real node process on one data dir,
/// whose journal is grown to 1,000, 3,000 and 10,000 finished one-turn sessions by <see cref="FinishedSessionsFixture"/>
/// while the node is stopped; after each step the node is started <c>runs</c> times and timed from process start to
/// ready, then the first <c>GET /api/sessions</c> (which must show the newest session first) and single-session
/// GETs of sessions whose entities are not running (each recovers from the journal).
/// Sizes: SESSIONCLUSTER_BENCH_RESTART_SIZES (comma-separated, default 1000,3000,10000);
/// runs per size: SESSIONCLUSTER_BENCH_RESTART_RUNS (default 3); SESSIONCLUSTER_BENCH_RESTART_DATA_DIR keeps the data dir.
/// The fixture also leaves the directory's projection as the node would have saved it (a running node saves it every
/// 5 s and at stop); SESSIONCLUSTER_BENCH_RESTART_REBUILD=1 leaves none, so the first start of each size rebuilds it
/// from the whole journal (minutes at 10,000 sessions: each event the plugin reads scans the tag table).
/// </summary>
public static class RestartBenchmark
{
    private const string Name = "restart";
    private const int Gets = 20;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        var sizes = Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_RESTART_SIZES") is { Length: > 0 } text
            ? text.Split(',').Select(s => int.Parse(s.Trim(), Report.Invariant)).Order().ToArray()
            : [1_000, 3_000, 10_000];
        var rebuild = Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_RESTART_REBUILD") == "1";
        var runs = int.TryParse(Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_RESTART_RUNS"), out var r) && r > 0 ? r : 3;

        using var temp = new TempDirectory("sessioncluster-restart-");
        var environment = TestNode.Environment("http://127.0.0.1:9", temp.CreateDirectory("home")); // no agent runs here
        var config = temp.Combine("restart.hocon");
        await File.WriteAllTextAsync(config, $$"""sessioncluster.agents.codex.seed-home = "{{environment["CODEX_HOME"]}}" """);
        // SESSIONCLUSTER_BENCH_RESTART_DATA_DIR keeps the data dir (a new, empty directory) for a look afterwards.
        var dataDir = Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_RESTART_DATA_DIR") is { Length: > 0 } kept
            ? Directory.CreateDirectory(kept).FullName
            : temp.CreateDirectory("data");
        var port = FreePort.Next();

        var verdicts = new List<Verdict>();
        Report.Line("empty journal", "");
        var empty = await MeasureAsync(dataDir, port, environment, config, runs, sessions: 0);
        verdicts.Add(Report.Print(new Verdict(Name, "ready, empty journal (median)", Report.Ms(empty.ReadyMedian), "-", null)));

        var nodeId = (await File.ReadAllTextAsync(Path.Combine(dataDir, "node-id"))).Trim();
        var written = 0;
        foreach (var size in sizes)
        {
            var clock = Stopwatch.StartNew();
            var rows = FinishedSessionsFixture.Append(dataDir, written, size - written, nodeId, "bench-node", saveProjection: !rebuild);
            written = size;
            Report.Line($"{Report.Num(size)} finished sessions{(rebuild ? ", no saved projection" : "")}", $"(+{Report.Num(rows)} journal rows written in {Report.Ms(clock.Elapsed.TotalMilliseconds)}; {Report.Num(Journal.Rows(Path.Combine(dataDir, "sessions.db")))} rows in all)");
            var figures = await MeasureAsync(dataDir, port, environment, config, runs, size);
            verdicts.Add(Report.Print(new Verdict(Name, $"ready with {Report.Num(size)} finished sessions (median of {runs})", Report.Ms(figures.ReadyMedian), "-", null)));
            if (size == sizes[^1])
            {
                verdicts.Add(Report.Print(new Verdict(
                    Name, $"ready <= 5 s with {Report.Num(size)} finished sessions (median of {runs}; first list answer after it: median {Report.Ms(figures.ListMedian)})",
                    Report.Ms(figures.ReadyMedian), "<= 5000 ms (and 10,000 sessions)", size >= 10_000 && figures.ReadyMedian + figures.ListMedian <= 5_000)));
                verdicts.Add(Report.Print(new Verdict(
                    Name, $"one session's GET with {Report.Num(size)} sessions (median of {Gets} per run, entity recovered from the journal)",
                    Report.Ms(figures.GetMedian), "< 50 ms", figures.GetMedian < 50)));
            }
        }

        return verdicts;
    }

    private sealed record Figures(double ReadyMedian, double ListMedian, double GetMedian);

    private static async Task<Figures> MeasureAsync(
        string dataDir, int port, IReadOnlyDictionary<string, string> environment, string config, int runs, int sessions)
    {
        var ready = new List<double>();
        var list = new List<double>();
        var gets = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            await using var node = await TimedNodeStart.StartAsync(dataDir, port, environment, config);
            var clock = Stopwatch.StartNew();
            var page = await node.Http.GetFromJsonAsync<List<SessionDto>>(Api.Sessions, Api.Json) ?? [];
            var listMs = clock.Elapsed.TotalMilliseconds;
            var newest = sessions == 0 ? null : $"bench-{sessions - 1:D6}";
            if (newest is not null && page.FirstOrDefault()?.Id != newest)
            {
                throw new InvalidOperationException($"the list after ready starts with {page.FirstOrDefault()?.Id ?? "nothing"}, not the newest session {newest}");
            }

            var runGets = new List<double>();
            if (sessions > 0)
            {
                var random = new Random(run);
                for (var i = 0; i < Gets; i++)
                {
                    var id = $"bench-{random.Next(sessions):D6}";
                    clock.Restart();
                    var one = await node.Http.GetFromJsonAsync<SessionDto>(Api.Session(id), Api.Json);
                    runGets.Add(clock.Elapsed.TotalMilliseconds);
                    if (one?.Status != "completed")
                    {
                        throw new InvalidOperationException($"session {id} is {one?.Status ?? "missing"}, not completed");
                    }
                }
            }

            ready.Add(node.Ready.TotalMilliseconds);
            list.Add(listMs);
            gets.AddRange(runGets);
            Report.Line($"  run {run}: ready", $"{Report.Ms(node.Ready.TotalMilliseconds)}; first GET /api/sessions {Report.Ms(listMs)} ({page.Count} shown)" +
                (runGets.Count > 0 ? $"; GET one session median {Report.Ms(Report.Median(runGets))}" : ""));
            await node.StopAsync();
        }

        Report.Line("  ready", Report.Spread(ready));
        return new Figures(Report.Median(ready), Report.Median(list), gets.Count > 0 ? Report.Median(gets) : double.NaN);
    }
}
