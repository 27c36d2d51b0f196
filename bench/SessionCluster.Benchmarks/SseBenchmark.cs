using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Live follow latency: from an agent printing an event to a client following the session's SSE stream receiving it.
/// The agent is a stand-in for claude (a python script speaking claude's stream-json), because only a stand-in can say
/// when it printed each line: each text line carries its print time (wall clock, nanoseconds), and the client
/// subtracts it from its own clock on arrival (same machine, same clock). The node, its parser, the event log writer
/// and SQLite store, the feed and the HTTP stream are all the real ones.
/// </summary>
public static class SseBenchmark
{
    private const int Events = 300;
    private const int SpacingMs = 10;
    private const double TargetMs = 50;

    private const string StandIn = """
        #!/usr/bin/env python3
        # A stand-in for claude -p --input-format stream-json: reads the prompt, then prints text events carrying their print time.
        import json, os, sys, time, uuid
        sid = str(uuid.uuid4())
        sys.stdin.readline()
        def say(o): sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
        say({"type": "system", "subtype": "init", "cwd": os.getcwd(), "session_id": sid, "model": "stand-in", "tools": ["Bash"]})
        time.sleep(1.5)  # the follower connects meanwhile
        for i in range(EVENTS):
            say({"type": "assistant", "message": {"id": "msg_%d" % i, "type": "message", "role": "assistant", "model": "stand-in",
                 "content": [{"type": "text", "text": "printed-at %d" % time.time_ns()}], "usage": {"input_tokens": 1, "output_tokens": 1}},
                 "parent_tool_use_id": None, "session_id": sid})
            time.sleep(SPACING_MS / 1000)
        say({"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1, "num_turns": 1, "result": "done",
             "session_id": sid, "total_cost_usd": 0.0, "usage": {"input_tokens": 1, "output_tokens": 1}})
        sys.stdin.read()
        """;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        using var temp = new TempDirectory("sessioncluster-bench-sse");
        var script = temp.Combine("claude-stand-in.py");
        await File.WriteAllTextAsync(script, StandIn.Replace("\r", "")
            .Replace("EVENTS", Events.ToString(CultureInfo.InvariantCulture)).Replace("SPACING_MS", SpacingMs.ToString(CultureInfo.InvariantCulture)));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var environment = TestNode.Environment("http://127.0.0.1:9", temp.CreateDirectory("home"));
        environment["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = script;
        await using var node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment);
        using var http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        Report.Line("events", $"{Events} text events, one every {SpacingMs} ms, one session, one follower");

        // A warm-up session first (JIT, SQLite pages, the HTTP connection), then the measured one.
        await OnceAsync(http, temp.CreateDirectory("work-warmup"), Events);
        var latencies = await OnceAsync(http, temp.CreateDirectory("work"), Events);

        latencies.Sort();
        var median = Report.Median(latencies);
        var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
        Report.Line("agent prints -> SSE client receives", Report.Spread(latencies));
        Report.Line("p99 / max", $"{Report.Ms(p99)} / {Report.Ms(latencies[^1])}");
        Report.Line("load average (1, 5, 15 min)", string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]));
        return
        [
            Report.Print(new Verdict("sse", $"median agent print -> SSE client ({latencies.Count} events)", Report.Ms(median), $"< {TargetMs} ms", median < TargetMs)),
            Report.Print(new Verdict("sse", "p99 agent print -> SSE client", Report.Ms(p99), "(reported)", null)),
        ];
    }

    private static async Task<List<double>> OnceAsync(HttpClient http, string workdir, int events)
    {
        using var launched = await http.PostAsJsonAsync(Api.Sessions, new LaunchSessionRequest
        {
            Agent = "claude",
            Prompt = "print",
            Workdir = workdir,
            MultiTurn = false,
        }, Api.Json);
        var session = await launched.Content.ReadFromJsonAsync<SessionDto>(Api.Json)
            ?? throw new InvalidOperationException("the launch answered no session");
        if (!launched.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"launch: {launched.StatusCode}");
        }

        var latencies = new List<double>();
        using var response = await http.GetAsync(Api.SessionEventStream(session.Id), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string? type = null;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var receivedNs = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100.0;
                if (type == Api.StreamEnd)
                {
                    break;
                }

                var e = JsonSerializer.Deserialize<SessionEventDto>(line[6..], Api.Json)!;
                if (e.Type == "text" && e.Summary.StartsWith("printed-at ", StringComparison.Ordinal))
                {
                    latencies.Add((receivedNs - double.Parse(e.Summary["printed-at ".Length..], CultureInfo.InvariantCulture)) / 1_000_000.0);
                }
            }
        }

        if (latencies.Count != events)
        {
            throw new InvalidOperationException($"the follower got {latencies.Count} of {events} events of session {session.Id}");
        }

        return latencies;
    }
}
