using System.Diagnostics;
using System.Net.Http.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// A chain of 50 resumes (issue 7, section 2): <see cref="FinishedSessionsFixture.AppendChain"/> writes 50 finished
/// sessions, each resumed from the one before, into a real node's journal while it is stopped; the node is started
/// and <c>GET /api/sessions/chain-50</c>, which walks the chain back to the first session, is timed (the first answer,
/// then the median of <see cref="Gets"/>). Every answer must hold the whole chain in order.
/// </summary>
public static class ChainBenchmark
{
    private const string Name = "chain";
    private const int Length = 50;
    private const int Gets = 50;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        using var temp = new TempDirectory("sessioncluster-chain-");
        var environment = TestNode.Environment("http://127.0.0.1:9", temp.CreateDirectory("home")); // no agent runs here
        var config = temp.Combine("chain.hocon");
        await File.WriteAllTextAsync(config, $$"""sessioncluster.agents.codex.seed-home = "{{environment["CODEX_HOME"]}}" """);
        var dataDir = temp.CreateDirectory("data");
        var port = FreePort.Next();

        // The first start creates the journal's tables, the node id and the secrets key the fixture writes with.
        await using (var first = await TimedNodeStart.StartAsync(dataDir, port, environment, config))
        {
            await first.StopAsync();
        }

        var nodeId = (await File.ReadAllTextAsync(Path.Combine(dataDir, "node-id"))).Trim();
        var ids = FinishedSessionsFixture.AppendChain(dataDir, Length, nodeId, "bench-node", saveProjection: true);
        var expected = ids.Reverse().ToList();

        await using var node = await TimedNodeStart.StartAsync(dataDir, port, environment, config);
        var times = new List<double>();
        for (var i = 0; i <= Gets; i++)
        {
            var clock = Stopwatch.StartNew();
            var last = await node.Http.GetFromJsonAsync<SessionDto>(Api.Session(ids[^1]), Api.Json);
            clock.Stop();
            if (last is null || !last.ResumeChain.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{ids[^1]}'s resumeChain is [{string.Join(", ", last?.ResumeChain ?? [])}], not the 50 sessions back to {ids[0]}");
            }

            if (i == 0)
            {
                Report.Line("first GET (the entity recovers from the journal)", Report.Ms(clock.Elapsed.TotalMilliseconds));
                continue;
            }

            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        await node.StopAsync();
        Report.Line($"GET {ids[^1]} with its chain of {Length}", Report.Spread(times));
        var median = Report.Median(times);
        return [Report.Print(new Verdict(Name, $"GET of the last of {Length} resumed sessions, with resumeChain (median of {Gets})", Report.Ms(median), "< 50 ms", median < 50))];
    }
}
