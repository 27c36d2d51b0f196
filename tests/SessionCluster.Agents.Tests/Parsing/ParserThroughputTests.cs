using SessionCluster.Agents.Tests.Support;

namespace SessionCluster.Agents.Tests.Parsing;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Measurements
{
    /// <summary>Timing tests run alone, after the parallel ones, so other tests' processes do not skew them.</summary>
    public const string Name = "measurements";
}

/// <summary>The parser keeps up with a fast agent on one core and allocates only what its events hold.</summary>
[Collection(Measurements.Name)]
public sealed class ParserThroughputTests
{
    private static readonly byte[][] CorpusLines =
        CorpusFiles.Names("claude-").SelectMany(CorpusFiles.Lines).ToArray();

    [Fact]
    public void The_corpus_parses_at_more_than_100_000_lines_a_second_on_one_core()
    {
        var parser = new ClaudeStreamJsonParser();
        var events = new List<AgentEvent>(8);
        ParseAll(parser, events, rounds: 500); // warm up: tiered JIT

        const int rounds = 5_000;
        var start = ThreadCpuClock.Now;
        ParseAll(parser, events, rounds);
        var cpu = ThreadCpuClock.Now - start;

        var linesPerSecond = rounds * CorpusLines.Length / cpu.TotalSeconds;
        Assert.True(linesPerSecond > 100_000, $"{linesPerSecond:N0} lines per CPU-second");
    }

    [Fact]
    public void The_init_line_costs_only_its_event()
    {
        var init = CorpusFiles.Lines("claude-simple.jsonl")[0];
        Assert.True(init.Length > 2500, "the init line is the big one (tools, skills, plugins)");
        var parser = new ClaudeStreamJsonParser();
        var events = new List<AgentEvent>(8);
        parser.Parse(init, events);

        const int rounds = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds; i++)
        {
            events.Clear();
            parser.Parse(init, events);
        }

        var perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / rounds;

        // AgentInit and its three strings (session id, model, cwd): about 250 bytes; the tool lists are not read.
        Assert.True(perLine < 400, $"{perLine} bytes per init line");
    }

    private static void ParseAll(ClaudeStreamJsonParser parser, List<AgentEvent> events, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            foreach (var line in CorpusLines)
            {
                events.Clear();
                parser.Parse(line, events);
            }
        }
    }
}
