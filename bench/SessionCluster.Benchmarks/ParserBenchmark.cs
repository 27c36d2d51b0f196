using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SessionCluster.Agents;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The recorded transcripts (tests/SessionCluster.Agents.Tests/Corpus) through <see cref="ClaudeStreamJsonParser"/>,
/// one line at a time with one reused event list, as <c>AgentRun</c> does. One operation is one pass over every line.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly ClaudeStreamJsonParser parser = new();
    private readonly List<AgentEvent> events = new(8);
    private byte[][] claudeLines = [];
    private byte[][] allLines = [];

    [GlobalSetup]
    public void Setup()
    {
        claudeLines = Corpus.Lines("claude-*.jsonl");
        allLines = Corpus.Lines("*.jsonl");
    }

    /// <summary>What claude prints: the parser's real input, and the target's mix.</summary>
    [Benchmark(Baseline = true)]
    public int ClaudeTranscripts() => ParseAll(claudeLines);

    /// <summary>Every corpus file, the codex ones too (no codex parser yet: their lines are unknown events here).</summary>
    [Benchmark]
    public int AllTranscripts() => ParseAll(allLines);

    private int ParseAll(byte[][] lines)
    {
        var count = 0;
        foreach (var line in lines)
        {
            events.Clear();
            parser.Parse(line, events);
            count += events.Count;
        }

        return count;
    }
}

public static class Corpus
{
    public static string Directory => Path.Combine(AgentBinaries.RepoRoot, "tests", "SessionCluster.Agents.Tests", "Corpus");

    /// <summary>The non-blank lines of the matching files, in file-name order, as UTF-8 without the newline.</summary>
    public static byte[][] Lines(string pattern)
    {
        var files = System.IO.Directory.GetFiles(Directory, pattern).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"no {pattern} in {Directory}");
        }

        return [.. files.SelectMany(File.ReadLines).Where(l => !string.IsNullOrWhiteSpace(l)).Select(System.Text.Encoding.UTF8.GetBytes)];
    }
}

public static class ParserBenchmark
{
    private const double TargetLinesPerSecond = 100_000;

    public static IReadOnlyList<Verdict> Run()
    {
        var claude = Corpus.Lines("claude-*.jsonl");
        var all = Corpus.Lines("*.jsonl");
        Report.Line("corpus", Corpus.Directory);
        Report.Line("claude-*.jsonl", $"{claude.Length} lines, {claude.Sum(l => l.Length):#,0} bytes (avg {claude.Average(l => l.Length):#,0} B/line)");
        Report.Line("*.jsonl (claude + codex)", $"{all.Length} lines, {all.Sum(l => l.Length):#,0} bytes");

        // In this process (no generated project to build), few iterations: seconds, not minutes.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.DontLogOutput)
            .WithLaunchCount(1)
            .WithWarmupCount(6)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short-InProcess");
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(AgentBinaries.RepoRoot, "bench", "SessionCluster.Benchmarks", "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<ParserBenchmarks>(config);
        if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
        {
            throw new InvalidOperationException("BenchmarkDotNet did not finish the parser benchmarks; see its output above");
        }

        Report.Heading("parser: results");
        var verdicts = new List<Verdict>();
        foreach (var (method, lines) in new[] { (nameof(ParserBenchmarks.ClaudeTranscripts), claude), (nameof(ParserBenchmarks.AllTranscripts), all) })
        {
            var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
            var medianNs = report.ResultStatistics!.Median;
            var linesPerSecond = lines.Length / (medianNs / 1e9);
            var bytesPerPass = BytesPerOperation(report);
            Report.Line($"{method}: median per pass ({lines.Length} lines)", $"{medianNs / 1000:0.00} us");
            Report.Line($"{method}: lines/s (one thread, BDN median)", Report.Num(linesPerSecond));
            Report.Line($"{method}: lines/s at the fastest iteration [information]", Report.Num(lines.Length / (report.ResultStatistics.Min / 1e9)));
            Report.Line($"{method}: MB/s", Report.Num(lines.Sum(l => l.Length) / (medianNs / 1e9) / 1e6, "0.0"));
            Report.Line($"{method}: allocated bytes/line", bytesPerPass is { } b ? Report.Num((double)b / lines.Length, "#,0.0") : "?");
            if (method == nameof(ParserBenchmarks.ClaudeTranscripts))
            {
                verdicts.Add(Report.Print(new Verdict("parser", "claude lines/s on one thread (BDN median)",
                    $"{Report.Num(linesPerSecond)} lines/s, {(bytesPerPass is { } bb ? Report.Num((double)bb / lines.Length, "#,0") : "?")} B/line allocated",
                    $">= {Report.Num(TargetLinesPerSecond)} lines/s", linesPerSecond >= TargetLinesPerSecond)));
            }
        }

        return verdicts;
    }

    private static long? BytesPerOperation(BenchmarkReport report) => report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
}
