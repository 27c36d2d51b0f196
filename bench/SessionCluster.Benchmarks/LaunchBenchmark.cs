using System.Diagnostics;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Launch overhead of the node: the agent (claude, or codex app-server) started directly vs. through <c>sessionctl launch</c>, same model server,
/// same home, same run, alternating. The agent's first event is observed as its first model request at the server
/// (the node's path cannot be watched on the agent's stdout without changing the node); the direct path also times its
/// first stdout line, so the gap between the two is printed.
/// </summary>
public static class LaunchBenchmark
{
    private const int Runs = 10;
    private const int Warmups = 2;
    private const double TargetRatio = 1.10;

    public static async Task<IReadOnlyList<Verdict>> RunAsync(string agent)
    {
        using var temp = new TempDirectory("sessioncluster-bench-launch");
        await using var model = await ScriptedModelServer.StartAsync();
        model.DefaultReply = ModelReply.Text("Hello from the scripted model.");
        var home = temp.CreateDirectory("home");
        var workdir = temp.CreateDirectory("work");
        var directHomes = temp.CreateDirectory("direct-codex-homes");
        await using var node = await BenchNode.StartAsync(temp, model.BaseUrl, home);
        Report.Line("model server", model.BaseUrl);
        Report.Line("node", $"{node.Node.Url} (pid {node.Pid}, data dir {node.Node.DataDir})");
        Report.Line("runs", $"{Warmups} warm-up + {Runs} measured per path, alternating direct/node");

        List<double> directStdout = [], directRequest = [], directGap = [], directLines = [];
        List<double> directKernelLag = [];
        List<double> nodeAfterReturn = [], nodeTotal = [], ctlDuration = [], nodeSpawn = [], nodeClaudeToRequest = [];
        for (var i = 0; i < Warmups + Runs; i++)
        {
            var measured = i >= Warmups;

            // ABBA order: drift on a noisy machine hits both paths alike.
            var directFirst = i % 2 == 0;
            for (var leg = 0; leg < 2; leg++)
            {
                if ((leg == 0) == directFirst)
                {
                    var prompt = $"bench direct {i} {Guid.NewGuid():N}: say hello";
                    var run = agent == "claude"
                        ? await DirectClaude.RunAsync(model, home, workdir, prompt)
                        : await DirectCodex.RunAsync(model, home, directHomes, workdir, prompt);
                    if (run.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"direct {agent} exited {run.ExitCode}");
                    }

                    Console.WriteLine($"  {(measured ? "run" : "warm-up")} {i}: direct  first stdout {Report.Ms(run.FirstStdoutMs)}, first request {Report.Ms(run.FirstRequestMs)}, result {Report.Ms(run.ResultMs)}, {run.StdoutLines} stdout lines");
                    if (measured)
                    {
                        directStdout.Add(run.FirstStdoutMs);
                        directRequest.Add(run.FirstRequestMs);
                        directGap.Add(run.FirstRequestMs - run.FirstStdoutMs);
                        directLines.Add(run.StdoutLines);
                        AddIfKnown(directKernelLag, run.KernelStartLagMs);
                    }
                }
                else
                {
                    var run = await ThroughNodeAsync(node, model, agent, workdir, $"bench node {i} {Guid.NewGuid():N}: say hello");
                    Console.WriteLine($"  {(measured ? "run" : "warm-up")} {i}: node    sessionctl launch took {Report.Ms(run.Ctl)}, first request {Report.Ms(run.AfterReturn)} after it returned ({Report.Ms(run.Total)} after it started); {agent} started {Report.Ms(run.SpawnAfterCtlStart)} after sessionctl, its first request {Report.Ms(run.ClaudeToRequest)} later");
                    if (measured)
                    {
                        nodeAfterReturn.Add(run.AfterReturn);
                        nodeTotal.Add(run.Total);
                        ctlDuration.Add(run.Ctl);
                        AddIfKnown(nodeSpawn, run.SpawnAfterCtlStart);
                        AddIfKnown(nodeClaudeToRequest, run.ClaudeToRequest);
                    }
                }
            }
        }

        Report.Heading("launch: results");
        Report.Line("direct: process start -> first stdout line (init)", Report.Spread(directStdout));
        Report.Line("direct: process start -> first model request", Report.Spread(directRequest));
        Report.Line("direct: first stdout line -> first model request (gap)", Report.Spread(directGap));
        Report.Line("direct: stdout lines of a text-reply turn", Report.Num(Report.Median(directLines)));
        Report.Line("node: sessionctl launch returned -> first model request", Report.Spread(nodeAfterReturn));
        Report.Line("node: sessionctl launch started -> first model request", Report.Spread(nodeTotal));
        Report.Line("node: sessionctl launch start -> return", Report.Spread(ctlDuration));
        if (nodeSpawn.Count > 0)
        {
            Report.Line($"node: sessionctl launch start -> {agent} started (kernel)", Report.Spread(nodeSpawn));
            Report.Line($"node: {agent} started (kernel) -> first model request", Report.Spread(nodeClaudeToRequest));
            Report.Line($"direct: our start timestamp -> {agent} started (kernel)", directKernelLag.Count > 0 ? Report.Spread(directKernelLag) : "n/a");
            Report.Line($"ratio {agent} start -> first request, node / direct [information]",
                (Report.Median(nodeClaudeToRequest) / Report.Median(directRequest)).ToString("0.000", Report.Invariant));
        }

        var ratio = Report.Median(nodeAfterReturn) / Report.Median(directRequest);
        var totalRatio = Report.Median(nodeTotal) / Report.Median(directRequest);
        Report.Line("ratio node (after return) / direct, first model request", ratio.ToString("0.000", Report.Invariant));
        Report.Line("ratio node (from sessionctl start) / direct [information]", totalRatio.ToString("0.000", Report.Invariant));
        return
        [
            Report.Print(new Verdict(agent == "claude" ? "launch" : "codex-launch", $"{agent}: median time to first model request, node (from sessionctl launch return) / direct (from process start)",
                $"{ratio:0.000} ({Report.Ms(Report.Median(nodeAfterReturn))} / {Report.Ms(Report.Median(directRequest))})",
                $"<= {TargetRatio:0.00}", ratio <= TargetRatio)),
        ];
    }

    private static void AddIfKnown(List<double> values, double value)
    {
        if (!double.IsNaN(value))
        {
            values.Add(value);
        }
    }

    private sealed record NodeRun(double AfterReturn, double Total, double Ctl, double SpawnAfterCtlStart, double ClaudeToRequest);

    /// <returns>
    /// Milliseconds from sessionctl's return and from its start to the first model request, its own duration, and
    /// (from the kernel's start time of the node's agent child, 10 ms ticks; NaN when it was gone already) when the agent
    /// was started after sessionctl started and how long it took from its start to the request.
    /// </returns>
    private static async Task<NodeRun> ThroughNodeAsync(
        BenchNode node, ScriptedModelServer model, string agent, string workdir, string prompt)
    {
        var firstRequest = FirstRequest.Watch(model, prompt);
        var ctl = await node.SessionctlAsync("launch", "--agent", agent, "--single-turn", "--workdir", workdir, "--prompt", prompt, "--json");
        if (ctl.ExitCode != 0)
        {
            throw new InvalidOperationException($"sessionctl launch exited {ctl.ExitCode}: {ctl.Stdout} {ctl.Stderr}\nnode:\n{node.Node.Output}");
        }

        var session = JsonSerializer.Deserialize<SessionDto>(ctl.Stdout, Api.Json)
            ?? throw new InvalidOperationException($"sessionctl printed no session: {ctl.Stdout}");
        var requestAt = await firstRequest.At(TimeSpan.FromSeconds(120));

        // The agent is still alive here (it has the reply to read and a result to print): its start time is on record.
        var children = ProcStart.Children(node.Pid);
        var spawnedAt = children.Count == 1 ? ProcStart.StopwatchTimestamp(children[0]) : null;

        // Wait for the end and for the process to be gone, so the next run has the machine to itself.
        var done = await node.WaitFinishedAsync(session.Id, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        while (done.Pid is not null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            done = await node.GetAsync(session.Id);
        }

        if (done.Status != "completed" || done.TurnsCompleted != 1)
        {
            throw new InvalidOperationException($"session {session.Id} ended {done.Status} with {done.TurnsCompleted} turns: {done.Error?.Message}");
        }

        return new NodeRun(
            Stopwatch.GetElapsedTime(ctl.ReturnedAt, requestAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(ctl.StartedAt, requestAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(ctl.StartedAt, ctl.ReturnedAt).TotalMilliseconds,
            spawnedAt is { } s ? Stopwatch.GetElapsedTime(ctl.StartedAt, s).TotalMilliseconds : double.NaN,
            spawnedAt is { } s2 ? Stopwatch.GetElapsedTime(s2, requestAt).TotalMilliseconds : double.NaN);
    }
}
