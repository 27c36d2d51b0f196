using SessionCluster.Agents.Tests.Support;

namespace SessionCluster.Agents.Tests.Parsing;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Measurements
{
    /// <summary>Measuring tests run alone, after the parallel ones, so other tests do not skew them.</summary>
    public const string Name = "measurements";
}

/// <summary>
/// The parser allocates only what its events hold. Its speed (at least 100,000 lines a second on one core) is a target
/// of the parser benchmark (docs/BENCHMARKS.md), not of a test: on a shared machine a timed test fails on load alone.
/// </summary>
[Collection(Measurements.Name)]
public sealed class ParserAllocationTests
{
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
}
