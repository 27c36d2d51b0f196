using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Notification latency and throughput through the webhook channel to a real receiver on loopback.
/// (a) From the agent's turn end to the receiver: a stand-in for claude (python speaking claude's stream-json, as in
/// <c>sse</c>, because only a stand-in can say when it printed its result line) ends its one turn with the result
/// text "printed-at &lt;ns&gt;"; the session completes, and the receiver subtracts that time from its own wall clock when
/// the completed notification (whose lastOutput carries it) arrives. Node, parser, entity, journal, notifier, channel
/// actor and HTTP are the real ones; completed is never debounced.
/// (b) 1,000 notifications per second for 10 s into a notifier in this process (the real dispatcher, SQLite delivery
/// store, channel supervisor and webhook channel, no sessions behind them): the rate the receiver takes them at, and
/// the hand-over-to-receiver latency; and, for comparison, single notifications 0.3 s apart.
/// <c>SESSIONCLUSTER_BENCH_NOTIFY_HOCON</c> adds node configuration to (a), e.g. another scheduler tick.
/// </summary>
public static class NotifyBenchmark
{
    private const int Sessions = 40;
    private const int WarmUp = 3;
    private const int Rate = 1000;
    private static readonly TimeSpan Sustain = TimeSpan.FromSeconds(10);

    private const string StandIn = """
        #!/usr/bin/env python3
        # A stand-in for claude -p --input-format stream-json: one turn whose result text is the time it is printed.
        import json, os, sys, time, uuid
        sid = str(uuid.uuid4())
        sys.stdin.readline()
        def say(o): sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
        say({"type": "system", "subtype": "init", "cwd": os.getcwd(), "session_id": sid, "model": "stand-in", "tools": ["Bash"]})
        time.sleep(0.2)
        say({"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1, "num_turns": 1,
             "result": "printed-at %d" % time.time_ns(), "session_id": sid, "total_cost_usd": 0.0,
             "usage": {"input_tokens": 1, "output_tokens": 1}})
        sys.stdin.read()
        """;

    public static async Task<IReadOnlyList<Verdict>> RunAsync()
    {
        var verdicts = new List<Verdict>();
        verdicts.AddRange(await TurnEndToReceiverAsync());
        verdicts.AddRange(await SustainedAsync());
        Report.Line("load average (1, 5, 15 min)", string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]));
        return verdicts;
    }

    private static async Task<IReadOnlyList<Verdict>> TurnEndToReceiverAsync()
    {
        using var temp = new TempDirectory("sessioncluster-bench-notify");
        await using var receiver = await WebhookReceiver.StartAsync();
        var script = temp.Combine("claude-stand-in.py");
        await File.WriteAllTextAsync(script, StandIn.Replace("\r", ""));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = temp.Combine("notify.hocon");
        await File.WriteAllTextAsync(config, $$"""
            sessioncluster.notifications {
              default-channel = hook
              channels.hook { type = webhook, url = "{{receiver.Url}}", secret = "bench-secret", timeout = 5s }
            }
            {{Environment.GetEnvironmentVariable("SESSIONCLUSTER_BENCH_NOTIFY_HOCON")}}
            """);
        var environment = TestNode.Environment("http://127.0.0.1:9", temp.CreateDirectory("home"));
        environment["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = script;
        await using var node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
        using var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        var workdir = temp.CreateDirectory("work");

        var latencies = new List<double>();
        var parsed = new List<double>();
        for (var i = 0; i < WarmUp + Sessions; i++)
        {
            using var launched = await http.PostAsJsonAsync(Api.Sessions, new LaunchSessionRequest
            {
                Agent = "claude", Prompt = "finish", Workdir = workdir, MultiTurn = false,
            }, Api.Json);
            launched.EnsureSuccessStatusCode();
            var session = (await launched.Content.ReadFromJsonAsync<SessionDto>(Api.Json))!;
            var request = await CompletedOfAsync(receiver, session.Id);
            var printed = request.Json().GetProperty("lastOutput").GetString()!;
            var printedNs = double.Parse(printed[(printed.IndexOf("printed-at ", StringComparison.Ordinal) + "printed-at ".Length)..].Trim(), CultureInfo.InvariantCulture);
            var receivedNs = (request.ReceivedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100.0;
            // The notification's timestamp is when the node read the turn's result (ms precision): the split between the agent's pipe and the node.
            var readNs = (DateTimeOffset.Parse(request.Json().GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100.0;
            if (i >= WarmUp)
            {
                latencies.Add((receivedNs - printedNs) / 1_000_000.0);
                parsed.Add((readNs - printedNs) / 1_000_000.0);
            }
        }

        latencies.Sort();
        var median = Report.Median(latencies);
        var p99 = Percentile(latencies, 0.99);
        Report.Line("(a) agent's turn end -> webhook receiver", Report.Spread(latencies));
        Report.Line("(a) p99 / max", $"{Report.Ms(p99)} / {Report.Ms(latencies[^1])}");
        Report.Line("(a) of which: agent prints -> node has read the result", Report.Spread(parsed));
        return
        [
            Report.Print(new Verdict("notify", $"median turn end -> webhook ({latencies.Count} sessions)", Report.Ms(median), "< 50 ms", median < 50)),
            Report.Print(new Verdict("notify", "p99 turn end -> webhook", Report.Ms(p99), "< 200 ms", p99 < 200)),
        ];
    }

    private static async Task<ReceivedRequest> CompletedOfAsync(WebhookReceiver receiver, string sessionId)
    {
        while (true)
        {
            var request = await receiver.NextAsync(TimeSpan.FromSeconds(60));
            var json = request.Json();
            if (json.GetProperty("sessionId").GetString() == sessionId && json.GetProperty("kind").GetString() == "completed")
            {
                return request;
            }
        }
    }

    private static async Task<IReadOnlyList<Verdict>> SustainedAsync()
    {
        using var temp = new TempDirectory("sessioncluster-bench-notify-rate");
        await using var receiver = await WebhookReceiver.StartAsync();
        var channel = new WebhookChannelSettings(receiver.Url, "bench-secret", TimeSpan.FromSeconds(5));
        var settings = NotificationSettings.Default with
        {
            DefaultChannel = "hook",
            Channels = NotificationSettings.Default.Channels.Add("hook", channel),
        };
        using var system = ActorSystem.Create("notify-bench", "akka.loglevel = WARNING");
        var store = new SqliteNotificationStore($"Data Source={temp.Combine("notifications.db")};Pooling=True");
        var notifier = system.ActorOf(NotificationDispatcher.Props(
            settings, store, journal: null, _ => Task.FromResult(true),
            (name, s) => ChannelSupervision.Props(name, log => ChannelFactory.Create(name, s, temp.Path, log), s.Timeout)));

        // Warm-up: JIT, the connection pool, SQLite's pages.
        await SendPacedAsync(notifier, "warm", 200, TimeSpan.FromSeconds(1));
        await DrainAsync(receiver, 200);

        // One at a time, 0.3 s apart (as the sessions of (a) come): the notifier, channel and HTTP alone.
        var single = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            await SendPacedAsync(notifier, $"single{i}", 1, TimeSpan.FromMilliseconds(1));
            var one = await receiver.NextAsync(TimeSpan.FromSeconds(30));
            single.Add((one.ReceivedAt - DateTimeOffset.Parse(one.Json().GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture)).TotalMilliseconds);
            await Task.Delay(300);
        }

        Report.Line("(b) one at a time, 0.3 s apart: hand-over -> receiver", Report.Spread(single));

        var total = (int)(Rate * Sustain.TotalSeconds);
        var started = DateTimeOffset.UtcNow;
        var sending = SendPacedAsync(notifier, "rate", total, Sustain);
        var received = await DrainAsync(receiver, total);
        await sending;
        var last = received.Max(r => r.ReceivedAt);
        var seconds = (last - started).TotalSeconds;
        var achieved = total / seconds;
        var latencies = received.Select(r => (r.ReceivedAt - DateTimeOffset.Parse(r.Json().GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture)).TotalMilliseconds).ToList();
        latencies.Sort();
        var ids = received.Select(r => r.Header("X-SessionCluster-Notification-Id")).Distinct().Count();
        Report.Line("(b) offered", $"{Report.Num(total)} notifications at {Report.Num(Rate)}/s for {Sustain.TotalSeconds:0} s");
        Report.Line("(b) received (distinct ids)", $"{Report.Num(received.Count)} ({Report.Num(ids)}) in {seconds:0.00} s: {Report.Num(achieved)}/s");
        Report.Line("(b) hand-over -> receiver", $"{Report.Spread(latencies)}, p99 {Report.Ms(Percentile(latencies, 0.99))}");
        await system.Terminate();
        return
        [
            Report.Print(new Verdict("notify", "sustained through the webhook channel", $"{Report.Num(achieved)}/s", $">= {Rate}/s", achieved >= Rate * 0.98 && ids == total)),
        ];
    }

    /// <summary>Hands <paramref name="count"/> notifications to the notifier evenly over <paramref name="over"/>, in 10 ms steps.</summary>
    private static async Task SendPacedAsync(IActorRef notifier, string prefix, int count, TimeSpan over)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < count)
        {
            var due = (int)Math.Min(count, Math.Ceiling(count * (clock.Elapsed / over)));
            for (; sent < due; sent++)
            {
                var session = $"{prefix}-{sent}";
                var notification = new Notification(
                    NotificationKind.Completed, session, session, "claude", "completed", null, $"Session {session} completed.",
                    null, null, null, ImmutableList<string>.Empty, "done", 1, 0.01m, TokenUsage.Zero, "bench", TimeSpan.FromSeconds(3),
                    DateTimeOffset.UtcNow);
                notifier.Tell(new NotificationPersisted(Notification.IdOf(session, 4), notification));
            }

            await Task.Delay(10);
        }
    }

    private static async Task<List<ReceivedRequest>> DrainAsync(WebhookReceiver receiver, int count)
    {
        var received = new List<ReceivedRequest>(count);
        while (received.Count < count)
        {
            received.Add(await receiver.NextAsync(TimeSpan.FromSeconds(60)));
        }

        return received;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Ceiling(sorted.Count * p) - 1];
}
