using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SessionCluster.Actors.EventLog;
using SessionCluster.Agents.EventLog;
using EventLogEntry = SessionCluster.Agents.EventLog.EventLogEntry;
using SessionCluster.Node.EventLog;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Event log throughput (issue 7, Performance): the node's real <see cref="EventLogWriter"/> (default settings: bounded
/// queue, batches of up to 2,000, one transaction each) on the real <see cref="SqliteEventLogStore"/>, on a fresh SQLite
/// file in WAL mode opened with the node's connection string. Many sessions append concurrently (one task each, as
/// each agent's output reader does), entries of <see cref="EventLogMix"/>, paced to offer more than the target for a
/// few seconds; then the writer is disposed (what is queued is written). Figures: events committed per second, from
/// the first Append to the last commit; what the full queue dropped; and the latency of each Append call, all of
/// them made while the writer was busy.
/// SESSIONCLUSTER_BENCH_EVENTLOG_RUNS (default 3), _SECONDS (default 8), _SESSIONS (default 32), _RATE (offered
/// events/s, default 40000); SESSIONCLUSTER_BENCH_EVENTLOG_MIX=corpus appends only the recorded transcripts' entries.
/// </summary>
public static class EventLogBenchmark
{
    private const string Name = "event-log";
    private const double TargetPerSecond = 25_000;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        var runs = Setting("RUNS", 3);
        var seconds = Setting("SECONDS", 8);
        var sessions = Setting("SESSIONS", 32);
        var rate = Setting("RATE", 40_000);
        // SESSIONCLUSTER_BENCH_EVENTLOG_MIX=corpus: only the recorded transcripts' entries (small: "say hello" sessions).
        var corpusOnly = Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_EVENTLOG_MIX") == "corpus";
        var entries = corpusOnly ? EventLogMix.CorpusEntries() : EventLogMix.Entries();
        Report.Line($"entry pool ({(corpusOnly ? "recorded transcripts only" : "coding mix")}, AgentEventLog.Describe)", $"{entries.Count} entries, raw avg {entries.Average(e => e.Raw.Length):0} chars, summary avg {entries.Average(e => e.Summary.Length):0}; types: " +
            string.Join(", ", entries.GroupBy(e => e.Type).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {100.0 * g.Count() / entries.Count:0}%")));
        var corpus = EventLogMix.CorpusEntries();
        Report.Line("recorded claude transcripts alone", $"{corpus.Count} entries, raw avg {corpus.Average(e => e.Raw.Length):0} chars, summary avg {corpus.Average(e => e.Summary.Length):0}");
        Report.Line("load", $"{sessions} sessions appending concurrently, {Report.Num(rate)} events/s offered for {seconds} s, {runs} runs; load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var throughput = new List<double>();
        var perCpu = new List<double>();
        var p99 = new List<double>();
        var max = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var figures = await RunOnceAsync(entries, sessions, rate, TimeSpan.FromSeconds(seconds));
            throughput.Add(figures.PerSecond);
            perCpu.Add(figures.PerCpuSecond);
            p99.Add(figures.AppendP99Us);
            max.Add(figures.AppendMaxUs);
            Report.Line($"  run {run}", $"{Report.Num(figures.Committed)} committed in {figures.Seconds:0.00} s = {Report.Num(figures.PerSecond)} events/s ({Report.Num(figures.PerCpuSecond)} per CPU-second, {figures.CpuSeconds:0.0} CPU-s); " +
                $"dropped by the full queue {Report.Num(figures.Dropped)}; rows {Report.Num(figures.Rows)}; file {figures.FileMb:0} MB; " +
                $"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; Append p50 {figures.AppendP50Us:0.0} us, p99 {figures.AppendP99Us:0.0} us, p99.9 {figures.AppendP999Us:0.0} us, max {figures.AppendMaxUs:0} us");
        }

        var median = Report.Median(throughput);
        return
        [
            Report.Print(new Verdict(Name, $"events/s committed into SQLite (median of {runs}; {sessions} sessions; {(corpusOnly ? "recorded transcripts' entries" : "coding mix")}, raw avg {entries.Average(e => e.Raw.Length):0} chars)", Report.Num(median), $">= {Report.Num(TargetPerSecond)}", median >= TargetPerSecond)),
            Report.Print(new Verdict(Name, $"events committed per CPU-second of the process (median of {runs})", Report.Num(Report.Median(perCpu)), "-", null)),
            Report.Print(new Verdict(Name, $"Append call p99 while the store is busy (median of {runs}; max of all {Report.Num(max.Max())} us)", $"{Report.Median(p99):0.0} us", "never waits on the database", Report.Median(p99) < 1_000)),
        ];
    }

    private sealed record Figures(long Committed, long Dropped, double Seconds, double CpuSeconds, long Rows, double FileMb,
        double AppendP50Us, double AppendP99Us, double AppendP999Us, double AppendMaxUs)
    {
        public double PerSecond => Committed / Seconds;

        /// <summary>Per second of this process's CPU time (writer, SQLite, the appending tasks): what the load average does not change much.</summary>
        public double PerCpuSecond => Committed / CpuSeconds;
    }

    private static async Task<Figures> RunOnceAsync(IReadOnlyList<EventLogEntry> entries, int sessions, int rate, TimeSpan duration)
    {
        using var temp = new TempDirectory("sessioncluster-eventlog-");
        var file = temp.Combine("sessions.db");
        var connectionString = PrepareFile(file);
        var store = SqliteEventLogStore.Create(connectionString);
        var failures = 0;
        var writer = new EventLogWriter(store, EventLogSettings.Default, _ => Interlocked.Increment(ref failures));

        var ids = Enumerable.Range(0, sessions).Select(i => $"bench-ev-{i:D4}").ToArray();
        var perSession = (double)rate / sessions;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var latencies = await Task.WhenAll(ids.Select((id, i) => Task.Run(() => AppendAsync(writer, id, i % 3 == 0 ? "codex" : "claude", entries, i * 97, perSession, duration, clock))));
        await writer.DisposeAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} batches could not be written");
        }

        var offered = latencies.Sum(l => (long)l.Length);
        var committed = ids.Sum(id => store.Head(id)?.LastSeq ?? 0);
        long rows;
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM session_events";
            rows = (long)count.ExecuteScalar()!;
        }

        SqliteConnection.ClearAllPools();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Us(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1e6 / Stopwatch.Frequency;
        return new Figures(committed, offered - committed, seconds, cpuSeconds, rows, new FileInfo(file).Length / 1e6 + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length / 1e6 : 0),
            Us(0.5), Us(0.99), Us(0.999), all[^1] * 1e6 / Stopwatch.Frequency);
    }

    /// <summary>One agent's stream: Append at its share of the offered rate; each call's duration in Stopwatch ticks.</summary>
    private static async Task<long[]> AppendAsync(
        EventLogWriter writer, string sessionId, string agent, IReadOnlyList<EventLogEntry> entries, int offset, double perSecond, TimeSpan duration, Stopwatch clock)
    {
        var latencies = new List<long>((int)(perSecond * duration.TotalSeconds) + 16);
        var sent = 0L;
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            while (sent < due)
            {
                var entry = entries[(int)((offset + sent) % entries.Count)];
                var before = Stopwatch.GetTimestamp();
                writer.Append(sessionId, agent, entry, DateTimeOffset.UtcNow);
                latencies.Add(Stopwatch.GetTimestamp() - before);
                sent++;
            }

            await Task.Delay(1);
        }

        return [.. latencies];
    }

    /// <summary>A new SQLite file as the node prepares its journal (WAL mode), and the node's connection string for it.</summary>
    public static string PrepareFile(string file)
    {
        var connectionString = $"Data Source={file};Default Timeout=30;Pooling=True";
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        return connectionString;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_EVENTLOG_" + name), out var value) && value > 0 ? value : fallback;
}
