using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// What an idle node costs (issue 7, Performance): a real node process, its CPU (utime + stime from /proc, its own
/// threads only, not its agents') in 20 s windows after a warm-up past start-up, in three cases: an empty data dir,
/// 10,000 finished sessions in the journal (<see cref="FinishedSessionsFixture"/>, with the saved projection a running
/// node leaves), and one live claude session waiting for a permission answer (against the scripted model server).
/// In each run, after the CPU windows: the node's SQLite system calls over 10 s, counted by strace when it is installed
/// (fcntl: SQLite's WAL locks, two or more per read transaction; pread64/pwrite64: page reads and writes); then how long a
/// change takes to show in <c>GET /api/sessions</c>: a new session (from its POST's answer), a status change to
/// waiting-for-input and one to completed (from <c>GET /api/sessions/{id}</c>, the entity itself, showing it; both polled
/// every 10 ms).
/// Knobs: SESSIONCLUSTER_BENCH_IDLE_RUNS (default 2 per case), SESSIONCLUSTER_BENCH_IDLE_WINDOWS (default 3 per run),
/// SESSIONCLUSTER_BENCH_IDLE_WARMUP (seconds after ready, default 75: past the runtime's one-off tiered JIT, 20-60 s after ready), SESSIONCLUSTER_BENCH_IDLE_CASES
/// (comma-separated of empty, finished, live; default all).
/// </summary>
public static class IdleBenchmark
{
    private const string Name = "idle";
    private const double TargetCpuMsPerSecond = 5;
    private const double TargetLagMs = 1000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private const int FinishedSessions = 10_000;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        var runs = Knob("RUNS", 2);
        var windows = Knob("WINDOWS", 3);
        var warmup = TimeSpan.FromSeconds(Knob("WARMUP", 75));
        var cases = (Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_IDLE_CASES") is { Length: > 0 } chosen
            ? chosen.Split(',').Select(c => c.Trim())
            : ["empty", "finished", "live"]).ToHashSet(StringComparer.OrdinalIgnoreCase);

        using var temp = new TempDirectory("sessioncluster-idle-");
        await using var model = await ScriptedModelServer.StartAsync();
        model.DefaultReply = ModelReply.Text("Done.");
        var environment = TestNode.Environment(model.BaseUrl, temp.CreateDirectory("home"));
        var config = temp.Combine("idle.hocon");
        // No --allowedTools: in mode ask, claude asks before its Bash tool runs, so a session waits for input.
        await File.WriteAllTextAsync(config, $$"""
            sessioncluster.agents {
              interrupt-grace = 2s
              claude.extra-args = []
              codex.seed-home = "{{environment["CODEX_HOME"]}}"
            }
            """);
        Report.Line("per case", $"{runs} run(s) x {windows} window(s) of {Window.TotalSeconds:0} s, {warmup.TotalSeconds:0} s after ready");
        Report.Line("strace", Strace.Path is null ? "not installed: no system call counts" : Strace.Path);

        var verdicts = new List<Verdict>();
        var lags = new Lags();
        var dirs = 0;
        string NewDataDir() => temp.CreateDirectory($"data-{++dirs}");

        if (cases.Contains("empty"))
        {
            verdicts.Add(await CaseAsync("empty data dir", NewDataDir, live: false));
        }

        if (cases.Contains("finished"))
        {
            var dataDir = NewDataDir();
            await using (var first = await NodeProcess.StartAsync(dataDir, environment, ["--config", config]))
            {
                await first.StopAsync(NodeProcess.SigTerm, TimeSpan.FromSeconds(60));
            }

            var nodeId = (await File.ReadAllTextAsync(Path.Combine(dataDir, "node-id"))).Trim();
            var rows = FinishedSessionsFixture.Append(dataDir, 0, FinishedSessions, nodeId, "bench-node", saveProjection: true);
            Report.Line($"{Report.Num(FinishedSessions)} finished sessions", $"{Report.Num(rows)} journal rows");
            verdicts.Add(await CaseAsync($"{Report.Num(FinishedSessions)} finished sessions", () => dataDir, live: false));
        }

        if (cases.Contains("live"))
        {
            verdicts.Add(await CaseAsync("one live session waiting for input", NewDataDir, live: true));
        }

        Report.Line("list lag, new session (POST answered -> listed)", Report.Spread(lags.New));
        Report.Line("list lag, -> waiting-for-input (entity -> list)", Report.Spread(lags.Waiting));
        Report.Line("list lag, -> completed (entity -> list)", Report.Spread(lags.Completed));
        var all = lags.New.Concat(lags.Waiting).Concat(lags.Completed).ToList();
        verdicts.Add(Report.Print(new Verdict(Name, $"a change shows in GET /api/sessions (median of {all.Count}; max {Report.Ms(all.Count > 0 ? all.Max() : double.NaN)})",
            Report.Ms(Report.Median(all)), $"<= {TargetLagMs} ms", Report.Median(all) <= TargetLagMs)));
        return verdicts;

        async Task<Verdict> CaseAsync(string what, Func<string> dataDirOf, bool live)
        {
            Report.Line(what, "");
            var cpu = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var dataDir = dataDirOf();
                await using var node = await NodeProcess.StartAsync(dataDir, environment, ["--config", config]);
                using var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(60) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
                var pid = ProcStat.FindNode(dataDir);
                var waiting = live ? await WaitingSessionAsync(http, model, temp.CreateDirectory($"work-live-{dirs}-{run}"), null) : null;

                await Task.Delay(warmup);
                var runCpu = new List<double>();
                for (var w = 0; w < windows; w++)
                {
                    var before = ProcStat.CpuTicks(pid);
                    await Task.Delay(Window);
                    runCpu.Add(ProcStat.TicksToMs(ProcStat.CpuTicks(pid) - before) / Window.TotalSeconds);
                }

                cpu.AddRange(runCpu);
                var calls = await Strace.CountAsync(pid, TimeSpan.FromSeconds(10));
                Report.Line($"  run {run}: CPU per window", string.Join(", ", runCpu.Select(c => $"{c:0.0}")) + " ms/s" +
                    (calls is null ? "" : $"; SQLite calls/s: {string.Join(", ", calls.Select(c => $"{c.Key} {c.Value:0.0}"))}"));

                await MeasureLagsAsync(http, model, temp.CreateDirectory($"work-{dirs}-{run}"), lags);
                if (waiting is not null)
                {
                    await AnswerAsync(http, waiting);
                    await WaitStatusAsync(http, waiting, "completed");
                }

                await node.StopAsync(NodeProcess.SigTerm, TimeSpan.FromSeconds(60));
            }

            Report.Line($"  CPU, {what}", $"min {cpu.Min():0.0}, median {Report.Median(cpu):0.0}, max {cpu.Max():0.0} ms/s (n={cpu.Count})");
            return Report.Print(new Verdict(Name, $"CPU of an idle node, {what} (median of {cpu.Count} windows of {Window.TotalSeconds:0} s)",
                $"{Report.Median(cpu):0.0} ms/s", $"< {TargetCpuMsPerSecond} ms/s", Report.Median(cpu) < TargetCpuMsPerSecond));
        }
    }

    private sealed class Lags
    {
        public List<double> New { get; } = [];

        public List<double> Waiting { get; } = [];

        public List<double> Completed { get; } = [];
    }

    /// <summary>One session through launch, a permission request and its answer, timing how late the list shows each step.</summary>
    private static async Task MeasureLagsAsync(HttpClient http, ScriptedModelServer model, string workdir, Lags lags)
    {
        var id = await WaitingSessionAsync(http, model, workdir, lags);
        await AnswerAsync(http, id);
        await WaitStatusAsync(http, id, "completed");
        lags.Completed.Add(await ListLagAsync(http, id, "completed"));
    }

    /// <summary>Launches a claude session in mode ask whose model asks for Bash; returns once its entity waits for the answer.</summary>
    private static async Task<string> WaitingSessionAsync(HttpClient http, ScriptedModelServer model, string workdir, Lags? lags)
    {
        // Only the tool use: the reply after the answer is the default one, so a session still waiting (the live case's)
        // leaves nothing in the queue for the next one to take.
        model.Enqueue(ModelReply.ToolUse("Bash", new { command = "date > idle-marker.txt", description = "write the time" }));
        using var response = await http.PostAsJsonAsync(Api.Sessions, new LaunchSessionRequest
        {
            Agent = "claude",
            Prompt = $"bench idle {Guid.NewGuid():N}",
            Workdir = workdir,
            MultiTurn = false,
            PermissionMode = "ask",
        }, Api.Json);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"launch: HTTP {(int)response.StatusCode} {body}");
        }

        var id = System.Text.Json.JsonSerializer.Deserialize<SessionDto>(body, Api.Json)!.Id;
        if (lags is not null)
        {
            lags.New.Add(await ListLagAsync(http, id, null));
        }

        await WaitStatusAsync(http, id, "waiting-for-input");
        if (lags is not null)
        {
            lags.Waiting.Add(await ListLagAsync(http, id, "waiting-for-input"));
        }

        return id;
    }

    private static async Task AnswerAsync(HttpClient http, string id)
    {
        using var response = await http.PostAsJsonAsync(Api.SessionVerb(id, "permission"), new PermissionAnswerRequest { Decision = Api.Allow }, Api.Json);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"permission {id}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Polls the entity (GET /api/sessions/{id}) until it shows <paramref name="status"/>.</summary>
    private static async Task WaitStatusAsync(HttpClient http, string id, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var session = await http.GetFromJsonAsync<SessionDto>(Api.Session(id), Api.Json);
            if (session?.Status == status)
            {
                return;
            }

            if (clock.Elapsed > Deadline || (session is not null && BenchNode.IsFinished(session)))
            {
                throw new TimeoutException($"session {id} is {session?.Status}, not {status} ({session?.Error?.Message})");
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>From now until the first page of GET /api/sessions lists <paramref name="id"/> (with <paramref name="status"/>, when given), in ms.</summary>
    private static async Task<double> ListLagAsync(HttpClient http, string id, string? status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await http.GetFromJsonAsync<List<SessionDto>>($"{Api.Sessions}?limit=20", Api.Json) ?? [];
            if (page.FirstOrDefault(s => s.Id == id) is { } listed && (status is null || listed.Status == status))
            {
                return clock.Elapsed.TotalMilliseconds;
            }

            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"GET /api/sessions did not show {id} {status} within {Deadline.TotalSeconds} s");
            }

            await Task.Delay(Poll);
        }
    }

    private static int Knob(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable($"SESSIONCLUSTER_BENCH_IDLE_{name}"), out var value) && value > 0 ? value : fallback;
}
