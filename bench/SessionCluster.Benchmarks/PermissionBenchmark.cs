using System.Diagnostics;
using System.Globalization;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Permission request latency, per agent, through the real node: (1) from the node reading the agent's request
/// (the request's <c>requestedAt</c>) to <c>GET /api/sessions/{id}</c> showing waiting-for-input/permission, polled
/// every 2 ms; (2) from just before <c>POST .../permission</c> (allow) to the approved command's first act, a
/// <c>date +%s.%N</c> it writes into the workdir: the answer's way to the agent, plus the agent starting its tool.
/// </summary>
public static class PermissionBenchmark
{
    private const int Runs = 10;
    private const int Warmups = 2;
    private const double TargetMs = 100;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        using var temp = new TempDirectory("sessioncluster-bench-permission");
        await using var model = await ScriptedModelServer.StartAsync();
        model.DefaultReply = ModelReply.Text("Done.");
        // No --allowedTools: in mode ask, claude asks before its Bash tool writes.
        await using var node = await BenchNode.StartAsync(temp, model.BaseUrl, temp.CreateDirectory("home"), claudeExtraArgs: []);
        Report.Line("runs", $"{Warmups} warm-up + {Runs} measured per agent");

        var verdicts = new List<Verdict>();
        foreach (var agent in new[] { "claude", "codex" })
        {
            List<double> visible = [], delivered = [];
            for (var i = 0; i < Warmups + Runs; i++)
            {
                var (toVisible, toAgent) = await OnceAsync(node, model, temp.CreateDirectory($"work-{agent}-{i}"), agent);
                Console.WriteLine($"  {(i >= Warmups ? "run" : "warm-up")} {i}: {agent} request visible after {Report.Ms(toVisible)}, approval at the agent after {Report.Ms(toAgent)}");
                if (i >= Warmups)
                {
                    visible.Add(toVisible);
                    delivered.Add(toAgent);
                }
            }

            Report.Line($"{agent}: request read -> visible as waiting/permission", Report.Spread(visible));
            Report.Line($"{agent}: POST permission -> the approved command runs", Report.Spread(delivered));
            verdicts.Add(Report.Print(new Verdict("permission", $"{agent}: median request read -> GET shows waiting/permission",
                Report.Ms(Report.Median(visible)), $"<= {TargetMs} ms", Report.Median(visible) <= TargetMs)));
            verdicts.Add(Report.Print(new Verdict("permission", $"{agent}: median POST allow -> approved command runs",
                Report.Ms(Report.Median(delivered)), $"<= {TargetMs} ms", Report.Median(delivered) <= TargetMs)));
        }

        return verdicts;
    }

    private static async Task<(double ToVisible, double ToAgent)> OnceAsync(BenchNode node, ScriptedModelServer model, string workdir, string agent)
    {
        const string command = "date +%s.%N > approved-at.txt";
        model.Enqueue(
            agent == "claude"
                ? ModelReply.ToolUse("Bash", new { command, description = "write the time" })
                : ModelReply.ToolUse("exec_command", new { cmd = command }),
            ModelReply.Text("Wrote the time."));
        var session = await node.LaunchAsync($"bench permission {Guid.NewGuid():N}", workdir, agent, "ask");

        var clock = Stopwatch.StartNew();
        SessionDto shown;
        while (true)
        {
            shown = await node.GetAsync(session.Id);
            if (shown is { Status: "waiting-for-input", PendingPermission: not null })
            {
                break;
            }

            if (BenchNode.IsFinished(shown) || clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException($"session {session.Id} never asked: {shown.Status} {shown.Error?.Message}\nnode:\n{node.Node.Output}");
            }

            await Task.Delay(2);
        }

        var seenAt = DateTimeOffset.UtcNow;
        var toVisible = (seenAt - shown.PendingPermission.RequestedAt).TotalMilliseconds;

        var marker = Path.Combine(workdir, "approved-at.txt");
        var postAt = DateTimeOffset.UtcNow;
        await node.AnswerPermissionAsync(session.Id, Api.Allow);
        var done = await node.WaitFinishedAsync(session.Id, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(20));
        if (done.Status != "completed" || !File.Exists(marker))
        {
            throw new InvalidOperationException($"session {session.Id} ended {done.Status} without running the command: {done.Error?.Message}");
        }

        var ranAt = DateTimeOffset.FromUnixTimeMilliseconds(
            (long)(double.Parse((await File.ReadAllTextAsync(marker)).Trim(), CultureInfo.InvariantCulture) * 1000));
        return (toVisible, (ranAt - postAt).TotalMilliseconds);
    }
}
