using System.Diagnostics;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// 20 real single-turn claude sessions launched at once through the HTTP API of one node (some run a Bash tool):
/// the node's own memory and CPU per live session, lost turns, and journal rows per session against the agent's
/// stdout lines (lifecycle events are journaled, not every agent event).
/// </summary>
public static class ConcurrencyBenchmark
{
    private const int Sessions = 20;
    private const int ToolSessions = 5;
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    // A node burns CPU on tiered JIT compilation for its first 20-30 s: idle is read after that.
    private static readonly TimeSpan SettledAfterStart = TimeSpan.FromSeconds(35);
    private const int ChattyToolUses = 10;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        using var temp = new TempDirectory("sessioncluster-bench-concurrency");

        // 1. One-row commits on this disk, before anything else runs.
        var baseline = SqliteBaseline.Measure(temp.Combine("baseline.db"), TimeSpan.FromSeconds(2));
        Report.Line("SQLite baseline: single-row INSERT commits/s (WAL)", $"{Report.Num(baseline.CommitsPerSecond)} ({baseline.Commits} in {baseline.Seconds:0.0} s, synchronous={baseline.Synchronous})");

        await using var model = await ScriptedModelServer.StartAsync();
        model.DefaultReply = ModelReply.Text("Done.");
        var home = temp.CreateDirectory("home");

        // 2. How many stdout lines claude prints for each kind of session, counted on a direct run.
        var direct = temp.CreateDirectory("direct");
        var textRun = await DirectClaude.RunAsync(model, home, direct, $"bench lines text {Guid.NewGuid():N}: say done");
        model.Enqueue(ModelReply.ToolUse("Bash", new { command = "echo hi", description = "Say hi" }));
        var toolRun = await DirectClaude.RunAsync(model, home, direct, $"bench lines tool {Guid.NewGuid():N}: run echo hi");
        Report.Line("claude stdout lines: text reply / Bash tool_use + text", $"{textRun.StdoutLines} / {toolRun.StdoutLines}");

        // 3. The node, warmed up with one session so the launch path is compiled before the idle reading.
        await using var node = await BenchNode.StartAsync(temp, model.BaseUrl, home);
        var pid = node.Pid;
        var coldRss = ProcStat.RssBytes(pid);
        var warm = await node.LaunchAsync($"bench warm-up {Guid.NewGuid():N}: say done", temp.CreateDirectory("warm"));
        await WaitGoneAsync(node, warm.Id);
        var up = ProcStart.StopwatchTimestamp(pid) is { } started ? Stopwatch.GetElapsedTime(started) : TimeSpan.Zero;
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(3, (SettledAfterStart - up).TotalSeconds)));
        var idleCpu0 = ProcStat.CpuTicks(pid);
        await Task.Delay(IdleWindow);
        var idleCpuMsPerSecond = ProcStat.TicksToMs(ProcStat.CpuTicks(pid) - idleCpu0) / IdleWindow.TotalSeconds;
        var idleRss = ProcStat.RssBytes(pid);
        var rowsBefore = Journal.Rows(node.SqliteFile);
        Report.Line("node", $"pid {pid}, {node.Node.Url}");
        Report.Line("node RSS right after start / idle after a warm-up session", $"{ProcStat.Mib(coldRss)} / {ProcStat.Mib(idleRss)}");
        Report.Line($"node CPU while idle ({IdleWindow.TotalSeconds:0} s, from {SettledAfterStart.TotalSeconds:0} s after start)", $"{idleCpuMsPerSecond:0.0} ms per second");

        // 4. 20 at once: the first 5 turn requests are answered with a Bash tool use, every other with text.
        Enqueue(model, ToolSessions);

        var batch = Guid.NewGuid().ToString("N")[..8];
        var workdirs = Enumerable.Range(0, Sessions).Select(i => temp.CreateDirectory("work", $"s{i:00}")).ToList();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(() => SamplePeakRss(pid, sampling.Token));
        var cpu0 = ProcStat.CpuTicks(pid);
        var clock = Stopwatch.StartNew();
        var launched = await Task.WhenAll(Enumerable.Range(0, Sessions)
            .Select(i => node.LaunchAsync($"bench {batch} session {i:00}: say done (or run echo hi if asked)", workdirs[i])));
        var launchMs = clock.Elapsed.TotalMilliseconds;

        var latest = launched.ToDictionary(s => s.Id);
        var maxLive = 0;
        long rssAtMaxLive = 0;
        while (latest.Values.Any(s => !BenchNode.IsFinished(s)))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"not finished after 5 min: {string.Join(", ", latest.Values.Where(s => !BenchNode.IsFinished(s)).Select(s => $"{s.Id} {s.Status}"))}");
            }

            await Task.Delay(PollEvery);
            foreach (var id in latest.Values.Where(s => !BenchNode.IsFinished(s)).Select(s => s.Id).ToList())
            {
                latest[id] = await node.GetAsync(id);
            }

            var live = latest.Values.Count(s => !BenchNode.IsFinished(s) && s.Pid is not null);
            if (live >= maxLive)
            {
                maxLive = live;
                rssAtMaxLive = Math.Max(rssAtMaxLive, ProcStat.RssBytes(pid));
            }
        }

        var allDoneMs = clock.Elapsed.TotalMilliseconds;
        var cpuMs = ProcStat.TicksToMs(ProcStat.CpuTicks(pid) - cpu0);
        await sampling.CancelAsync();
        var peak = await sampler;

        // The processes' exits and the last events land after "completed": give them a moment.
        foreach (var id in latest.Keys.ToList())
        {
            latest[id] = await WaitGoneAsync(node, id);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var afterRss = ProcStat.RssBytes(pid);
        var rowsAfter = Journal.Rows(node.SqliteFile);

        // Which sessions really ran the tool: their later requests carry a tool result saying "hi".
        var toolResults = model.Requests
            .Where(r => r.IsTurn && r.Body.Contains($"bench {batch} session", StringComparison.Ordinal)
                && r.ToolResults.Any(t => t.Content.Contains("hi", StringComparison.Ordinal) && !t.IsError))
            .Select(r => int.Parse(System.Text.RegularExpressions.Regex.Match(r.Body, $"bench {batch} session (\\d\\d)").Groups[1].Value, Report.Invariant))
            .ToList();
        var toolSessionIds = toolResults.Distinct().Select(i => launched[i].Id).ToHashSet();
        var toolRan = toolSessionIds.Count;
        var rowsOf = latest.Keys.ToDictionary(id => id, id => (double)Journal.Rows(node.SqliteFile, id));
        var textSessionIds = latest.Keys.Where(id => !toolSessionIds.Contains(id)).ToList();

        // One chatty session alone: many agent events (tool uses) in one turn, counted direct and journaled by the node.
        Enqueue(model, ChattyToolUses);
        var chattyDirect = await DirectClaude.RunAsync(model, home, direct, $"bench lines chatty {Guid.NewGuid():N}: run echo hi {ChattyToolUses} times");
        Enqueue(model, ChattyToolUses);
        var chatty = await node.LaunchAsync($"bench chatty {Guid.NewGuid():N}: run echo hi {ChattyToolUses} times", temp.CreateDirectory("chatty"));
        chatty = await WaitGoneAsync(node, chatty.Id);
        var chattyRows = Journal.Rows(node.SqliteFile, chatty.Id);

        Report.Heading("concurrency: results");
        Report.Line("sessions launched at once (HTTP POST /api/sessions)", $"{Sessions} in {Report.Ms(launchMs)}");
        Report.Line("all finished after", Report.Ms(allDoneMs));
        Report.Line("most sessions seen live at once (status polls, pid set)", $"{maxLive} of {Sessions}");
        Report.Line("sessions that ran the Bash tool (echo hi) / tool runs", $"{toolRan} / {toolResults.Count}");
        var statuses = latest.Values.GroupBy(s => $"{s.Status}/{s.TurnsCompleted} turn(s)").Select(g => $"{g.Count()}x {g.Key}");
        Report.Line("outcome", string.Join(", ", statuses));
        Report.Line("node RSS idle / peak / 3 s after", $"{ProcStat.Mib(idleRss)} / {ProcStat.Mib(peak.Bytes)} (at {Report.Ms(peak.AtMs)}) / {ProcStat.Mib(afterRss)}");
        Report.Line($"node RSS at the polls that saw {maxLive} sessions live (highest)", ProcStat.Mib(rssAtMaxLive));
        var perSessionRss = (peak.Bytes - idleRss) / (double)Sessions;
        Report.Line("node RSS per live session ((peak - idle) / 20)", ProcStat.Mib(perSessionRss));
        Report.Line("node CPU over the run (utime+stime, own threads)", $"{cpuMs:0} ms in {allDoneMs / 1000:0.0} s, {cpuMs / Sessions:0.0} ms per session");
        var idleShareMs = idleCpuMsPerSecond * allDoneMs / 1000;
        Report.Line("  of which the idle background rate would account for", $"~{idleShareMs:0} ms");
        Report.Line("  net of it, per session [information]", $"~{(cpuMs - idleShareMs) / Sessions:0.0} ms");
        // A session that ran the tool twice printed two more lines per extra run (tool_use + tool_result).
        var lines = (textRun.StdoutLines * (Sessions - toolRan)) + (toolRun.StdoutLines * toolRan) + (2 * (toolResults.Count - toolRan));
        var linesPerSession = lines / (double)Sessions;
        var rowsAll = rowsOf.Values.ToList();
        var medianRows = Report.Median(rowsAll);
        var textRows = Report.Median(textSessionIds.Select(id => rowsOf[id]).ToList());
        var toolRows = toolRan > 0 ? Report.Median(toolSessionIds.Select(id => rowsOf[id]).ToList()) : double.NaN;
        Report.Line("journal rows added while the 20 sessions ran", $"{rowsAfter - rowsBefore} (rows matched by session id: {rowsAll.Sum():0})");
        Report.Line("journal rows per session (min / median / max)", $"{rowsAll.Min():0} / {medianRows:0.#} / {rowsAll.Max():0}");
        Report.Line("agent stdout lines per session (counted on direct runs)", $"{linesPerSession:0.##} on average ({textRun.StdoutLines} text, {toolRun.StdoutLines} with one tool run)");
        Report.Line("journal rows / agent stdout lines", (medianRows / linesPerSession).ToString("0.00", Report.Invariant));
        Report.Line("median rows: text sessions / tool sessions", $"{textRows:0.#} / {toolRows:0.#}");
        Report.Line("rows of a text session (manifests)", JournalManifests.Of(node.SqliteFile, textSessionIds[0]));
        if (toolRan > 0)
        {
            Report.Line("rows of a tool session (manifests)", JournalManifests.Of(node.SqliteFile, toolSessionIds.First()));
        }

        Report.Line($"chatty session ({ChattyToolUses} Bash runs in one turn): stdout lines / rows", $"{chattyDirect.StdoutLines} / {chattyRows} ({chatty.Status}, {chatty.TurnsCompleted} turn)");
        Report.Line("rows of the chatty session (manifests)", JournalManifests.Of(node.SqliteFile, chatty.Id));
        Report.Line("the 20 sessions' rows at the baseline's one-commit rate", Report.Ms(rowsAll.Sum() / baseline.CommitsPerSecond * 1000));
        Report.Line("their stdout lines at the baseline's one-commit rate", Report.Ms(lines / baseline.CommitsPerSecond * 1000));

        var lost = latest.Values.Where(s => s.Status != "completed" || s.TurnsCompleted != 1).ToList();
        if (lost.Count > 0)
        {
            throw new InvalidOperationException(
                $"{lost.Count} session(s) did not complete with one turn: " +
                string.Join("; ", lost.Select(s => $"{s.Id} {s.Status} turns={s.TurnsCompleted} {s.Error?.Kind}: {s.Error?.Message}")));
        }

        return
        [
            Report.Print(new Verdict("concurrency", "20 sessions: completed with exactly one turn each", $"{Sessions - lost.Count}/{Sessions}", "20/20", lost.Count == 0)),
            Report.Print(new Verdict("concurrency", "node RSS per live session ((peak - idle) / 20) / node CPU per session",
                $"{ProcStat.Mib(perSessionRss)} / {cpuMs / Sessions:0.0} ms (idle node: {idleCpuMsPerSecond:0} ms CPU per second)", "none", null)),
            Report.Print(new Verdict("concurrency", "journal rows do not follow agent events: rows / stdout lines, text session vs chatty session",
                $"{textRows:0.#} / {textRun.StdoutLines} vs {chattyRows} / {chattyDirect.StdoutLines}", "same rows for more lines",
                chattyRows <= textRows && chattyDirect.StdoutLines > textRun.StdoutLines)),
        ];
    }

    private static void Enqueue(ScriptedModelServer model, int toolUses)
    {
        for (var i = 0; i < toolUses; i++)
        {
            model.Enqueue(ModelReply.ToolUse("Bash", new { command = "echo hi", description = "Say hi" }));
        }
    }

    /// <summary>Waits until the session is finished and its process is gone.</summary>
    private static async Task<SessionDto> WaitGoneAsync(BenchNode node, string id)
    {
        var session = await node.WaitFinishedAsync(id, TimeSpan.FromMinutes(3), PollEvery);
        var clock = Stopwatch.StartNew();
        while (session.Pid is not null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            session = await node.GetAsync(id);
        }

        return session;
    }

    private static async Task<(long Bytes, double AtMs)> SamplePeakRss(int pid, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        (long Bytes, double AtMs) peak = (ProcStat.RssBytes(pid), 0);
        while (!stop.IsCancellationRequested)
        {
            var rss = ProcStat.RssBytes(pid);
            if (rss > peak.Bytes)
            {
                peak = (rss, clock.Elapsed.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }
}
