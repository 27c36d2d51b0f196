using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Failover and formation of a real three-node cluster (issue 9, Performance): three real node processes (the node as
/// published, <see cref="PublishedNode"/>) on one real PostgreSQL with one cluster certificate (<see cref="NodeCluster"/>,
/// as the failover tests start it), a real claude
/// session against the scripted model server. Per run: a new cluster on a new database, timed from starting the
/// processes to every node seeing all three up and reachable (formation); a multi-turn session launched through one
/// node and waiting for input (live); the node that runs its agent SIGKILLed; then a survivor's
/// <c>GET /api/sessions/{id}</c> is asked every 100 ms (each request on its own, 5 s timeout, so one held while the
/// lost node's shards move does not hold the clock) until it reads failed with kind node-lost (failover). Beside it the
/// survivor's <c>GET /api/cluster</c> is read every 100 ms, for where the time goes: when the survivor first sees the
/// victim unreachable, downed, and gone from the members.
/// Runs: SESSIONCLUSTER_BENCH_FAILOVER_RUNS (default 5); SESSIONCLUSTER_BENCH_FAILOVER_LOGS, a directory: every node's
/// output per run is written there (to see where the time went). Then as many formations of the build output's node
/// (JIT-compiled at start, as the tests run it), for comparison.
/// </summary>
public static class FailoverBenchmark
{
    private const string Name = "failover";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_FAILOVER_RUNS"), out var r) && r > 0 ? r : 5;
        Environment.SetEnvironmentVariable(BuiltPrograms.NodeDllVariable, await PublishedNode.PublishAsync());
        await using var postgres = await PostgresServer.StartAsync();
        await using var model = await ScriptedModelServer.StartAsync();
        var formation = new List<double>();
        var failover = new List<double>();
        var unreachable = new List<double>();
        var downed = new List<double>();
        var removed = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            await using var cluster = await NodeCluster.StartAsync(postgres, model);
            formation.Add(cluster.FormedIn.TotalMilliseconds);
            var entry = cluster.Nodes[(run - 1) % cluster.Nodes.Count];
            using var entryHttp = Client(entry, TimeSpan.FromSeconds(30));
            var id = await LaunchLiveAsync(entryHttp, cluster.NewWorkdir(), entry);
            var running = await GetAsync(entryHttp, id);
            var victim = cluster.NodeWithId(running.NodeId ?? throw new InvalidOperationException($"session {id} has no node id"));
            var survivor = cluster.Except(victim)[0];
            using var survivorHttp = Client(survivor, TimeSpan.FromSeconds(5));

            using var watching = new CancellationTokenSource();
            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var phases = WatchMembershipAsync(survivorHttp, NodeCluster.AddressOf(victim), clock, watching.Token);
            await victim.CrashAsync();
            var lostAfter = await NodeLostOnAsync(survivorHttp, id, clock, cluster);
            failover.Add(lostAfter.TotalMilliseconds);
            await watching.CancelAsync();
            var seen = await phases;
            Add(unreachable, seen.Unreachable);
            Add(downed, seen.Downed);
            Add(removed, seen.Removed);
            var phasesSeen = $"unreachable {Seen(seen.Unreachable)}, downed {Seen(seen.Downed)}, removed {Seen(seen.Removed)}, node-lost {Report.Ms(lostAfter.TotalMilliseconds)}";
            if (Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_FAILOVER_LOGS") is { Length: > 0 } logs)
            {
                Directory.CreateDirectory(logs);
                await File.WriteAllTextAsync(Path.Combine(logs, $"run{run}.log"),
                    $"killed {NodeCluster.AddressOf(victim)} at {killedAt:HH:mm:ss.fff} UTC; survivor {NodeCluster.AddressOf(survivor)} after SIGKILL: {phasesSeen}\n" +
                    cluster.Outputs());
            }

            Report.Line($"run {run} (load {load})", $"formed in {Report.Ms(cluster.FormedIn.TotalMilliseconds)}; after SIGKILL: {phasesSeen}");
        }

        // The same formation from the build output (the JIT compiles everything at start), for comparison.
        Environment.SetEnvironmentVariable(BuiltPrograms.NodeDllVariable, null);
        var jitFormation = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            await using var cluster = await NodeCluster.StartAsync(postgres, model);
            jitFormation.Add(cluster.FormedIn.TotalMilliseconds);
        }

        Report.Line("formation (processes started -> all three up on every node)", Report.Spread(formation));
        Report.Line("formation, the build output's node (not ReadyToRun)", Report.Spread(jitFormation));
        Report.Line("SIGKILL -> the survivor sees the node unreachable", Spread(unreachable));
        Report.Line("SIGKILL -> the survivor sees the node down", Spread(downed));
        Report.Line("SIGKILL -> the survivor no longer lists the node", Spread(removed));
        Report.Line("failover (SIGKILL -> the session reads node-lost on a survivor)", Report.Spread(failover));
        return
        [
            Report.Print(new Verdict(Name, $"three-node cluster formed, processes started -> three up on every node (median of {runs})",
                Report.Ms(Report.Median(formation)), "< 5000 ms", Report.Median(formation) < 5_000)),
            Report.Print(new Verdict(Name, "three-node cluster formed: min / max", $"{Report.Ms(formation.Min())} / {Report.Ms(formation.Max())}", "-", null)),
            Report.Print(new Verdict(Name, $"three-node cluster formed from the build output, not ReadyToRun (median of {runs})",
                Report.Ms(Report.Median(jitFormation)), "-", null)),
            Report.Print(new Verdict(Name, $"SIGKILL -> node-lost on a survivor (median of {runs})",
                Report.Ms(Report.Median(failover)), "< 10000 ms", Report.Median(failover) < 10_000)),
            Report.Print(new Verdict(Name, "SIGKILL -> node-lost on a survivor: min / max", $"{Report.Ms(failover.Min())} / {Report.Ms(failover.Max())}", "-", null)),
            Report.Print(new Verdict(Name, "of which SIGKILL -> unreachable / down / removed on the survivor (medians)",
                $"{Median(unreachable)} / {Median(downed)} / {Median(removed)}", "-", null)),
        ];
    }

    private static void Add(List<double> sample, TimeSpan? at)
    {
        if (at is { } seen)
        {
            sample.Add(seen.TotalMilliseconds);
        }
    }

    private static string Seen(TimeSpan? at) => at is { } seen ? Report.Ms(seen.TotalMilliseconds) : "not seen";

    private static string Spread(List<double> sample) => sample.Count == 0 ? "not seen" : Report.Spread(sample);

    private static string Median(List<double> sample) => sample.Count == 0 ? "not seen" : Report.Ms(Report.Median(sample));

    /// <summary>When the survivor's <c>GET /api/cluster</c> first showed the victim so; null: not seen before the session read node-lost.</summary>
    private sealed record Phases(TimeSpan? Unreachable, TimeSpan? Downed, TimeSpan? Removed);

    /// <summary>
    /// Reads the survivor's view every 100 ms until cancelled or the victim is gone: the first time the victim is
    /// unreachable, down, and no longer listed (a state a read missed counts from the next one that shows a later
    /// state). A read that fails or times out is skipped.
    /// </summary>
    private static async Task<Phases> WatchMembershipAsync(HttpClient http, string victim, Stopwatch clock, CancellationToken stop)
    {
        TimeSpan? unreachable = null, downed = null, removed = null;
        while (!stop.IsCancellationRequested && removed is null)
        {
            try
            {
                var cluster = await http.GetFromJsonAsync<ClusterDto>(Api.Cluster, Api.Json, stop);
                var at = clock.Elapsed;
                var member = cluster?.Members.FirstOrDefault(m => m.Address == victim);
                if (member is null)
                {
                    removed = at;
                    downed ??= at;
                    unreachable ??= at;
                }
                else
                {
                    unreachable ??= member.Reachable ? null : at;
                    downed ??= member.Status is "down" or "removed" ? at : null;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
            {
                // The next read says.
            }

            try
            {
                await Task.Delay(PollEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return new Phases(unreachable, downed, removed);
    }

    private static HttpClient Client(NodeProcess node, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        return http;
    }

    /// <summary>A multi-turn claude session through <paramref name="node"/>, returned once it waits for input (live, its agent alive).</summary>
    private static async Task<string> LaunchLiveAsync(HttpClient http, string workdir, NodeProcess node)
    {
        using var response = await http.PostAsJsonAsync(Api.Sessions, new LaunchSessionRequest
        {
            Agent = "claude",
            Prompt = "wait for me",
            Workdir = workdir,
            MultiTurn = true,
        }, Api.Json);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"launch: HTTP {(int)response.StatusCode} {body}\nnode:\n{node.Output}");
        }

        var id = JsonSerializer.Deserialize<SessionDto>(body, Api.Json)!.Id;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var session = await GetAsync(http, id);
            if (session.Status == "waiting-for-input")
            {
                return id;
            }

            if (session.Status is "failed" or "completed" or "killed" or "interrupted" || clock.Elapsed > Deadline)
            {
                throw new InvalidOperationException($"session {id} is {session.Status}, not waiting for input\nnode:\n{node.Output}");
            }

            await Task.Delay(PollEvery);
        }
    }

    private static async Task<SessionDto> GetAsync(HttpClient http, string id) =>
        await http.GetFromJsonAsync<SessionDto>(Api.Session(id), Api.Json) ?? throw new InvalidOperationException($"GET {id}: empty body");

    /// <summary>
    /// Asks every 100 ms, each request on its own: the first answer that reads failed with kind node-lost stops the clock.
    /// While the lost node's shards move a request may time out or answer 503; it is simply not the answer.
    /// </summary>
    private static async Task<TimeSpan> NodeLostOnAsync(HttpClient http, string id, Stopwatch clock, NodeCluster cluster)
    {
        var lost = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var last = "";
        var asks = new List<Task>();
        while (!lost.Task.IsCompleted && clock.Elapsed < Deadline)
        {
            asks.Add(Task.Run(async () =>
            {
                try
                {
                    var session = await GetAsync(http, id);
                    if (session is { Status: "failed", Error.Kind: "node-lost" })
                    {
                        lost.TrySetResult(clock.Elapsed);
                    }

                    last = $"{session.Status} ({session.Error?.Kind})";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    last = e.Message;
                }
            }));
            await Task.WhenAny(lost.Task, Task.Delay(PollEvery));
        }

        await Task.WhenAll(asks);
        return lost.Task.IsCompleted
            ? await lost.Task
            : throw new TimeoutException($"session {id} did not read node-lost within {Deadline.TotalSeconds} s; last: {last}\n{cluster.Outputs()}");
    }
}
