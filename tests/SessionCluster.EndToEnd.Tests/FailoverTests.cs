using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Failover with nothing lost, the claim that matters (issue 9): three real node processes on one real PostgreSQL,
/// real claude sessions against the scripted model server, the node that runs a session SIGKILLed mid-turn; through
/// sessionctl on a survivor the session reads failed node-lost with its counts intact, its event log readable, a
/// node-lost notification delivered once, every journaled event still in the journal, and nothing of the lost node
/// left live.
/// </summary>
public sealed class FailoverTests(FailoverFixture fixture) : IClassFixture<FailoverFixture>
{
    // The node is unreachable after the heartbeat pause (2 s), downed after stable-after (2 s), then its sessions are
    // marked: about 7 s here (docs/BENCHMARKS.md, section 12); 60 s leaves room for a busy machine, and is still far below
    // Akka's default path (about 45 s) plus a restart.
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(60);

    private static readonly string[] LiveStatuses = ["starting", "running", "waiting-for-input"];

    [Fact]
    public async Task The_session_of_a_sigkilled_node_reads_node_lost_on_a_survivor_with_nothing_lost_and_one_notification()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var first = new Sessionctl(cluster.Nodes[0]);
        var release = new TaskCompletionSource();
        var again = $"again {Guid.NewGuid():N}";
        fixture.Model.Enqueue(ModelReply.Text("One."), ModelReply.Held(release.Task, ModelReply.Text("Two.")));

        // One turn done (so there are turns, a cost and an agent session id to keep), then a second one held mid-turn.
        var launched = await first.SessionAsync(AgentUnderTest.Of("claude").Launch(cluster.NewWorkdir(), "count", "--channel", "hook"));
        await first.WaitAsync(launched.Id, "waiting-for-input");
        await first.SessionAsync("respond", launched.Id, again);
        await fixture.Model.WaitForRequestAsync(r => r.IsTurn && r.Body.Contains(again, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var before = await first.SessionAsync("show", launched.Id);
        Assert.Equal("running", before.Status);
        Assert.Equal((1, 1), (before.TurnsCompleted, before.RespondCount));
        Assert.True(before.CostUsd > 0, "claude reported the first turn's cost");
        Assert.NotNull(before.NodeId);
        var journaledBefore = await JournalAsync(cluster, launched.Id);

        var victim = cluster.NodeWithId(before.NodeId!);
        var survivors = cluster.Except(victim);
        var clock = Stopwatch.StartNew();
        await victim.CrashAsync();

        var ctl = new Sessionctl(survivors[0]);
        var after = await FailedOnAsync(ctl, launched.Id, cluster);
        var failoverTime = clock.Elapsed;
        Assert.True(failoverTime < FailoverDeadline, $"failover took {failoverTime}");
        Assert.Equal("node-lost", after.Error!.Kind);
        Assert.Contains($"sessionctl resume {launched.Id}", after.Error.Suggestion);
        Assert.Equal(
            (before.TurnsCompleted, before.RespondCount, before.CostUsd, before.Usage, before.AgentSessionId, before.Node, before.NodeId),
            (after.TurnsCompleted, after.RespondCount, after.CostUsd, after.Usage, after.AgentSessionId, after.Node, after.NodeId));
        Assert.Equal([launched.Id], after.ResumeChain);
        Assert.Empty(after.ResumedAs);
        Assert.Null(after.ResumedFromId);

        // Any surviving node serves it, and says the same.
        var other = await new Sessionctl(survivors[1]).SessionAsync("show", launched.Id);
        Assert.Equal((after.Status, after.Error.Kind, after.TurnsCompleted, after.CostUsd), (other.Status, other.Error!.Kind, other.TurnsCompleted, other.CostUsd));

        // The event log the lost node wrote is in the shared database.
        var output = await ctl.RunAsync("output", launched.Id);
        Assert.True(output.ExitCode == 0, $"output: {output}");
        Assert.Contains("One.", output.Stdout);

        // Nothing journaled is missing: every row from before the kill is still there, numbered without a gap, and
        // what the state counts is what the journal holds.
        var journal = await JournalAsync(cluster, launched.Id);
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(r => r.Seq));
        Assert.Equal(journaledBefore, journal.Take(journaledBefore.Count));
        Assert.True(journal.Count > journaledBefore.Count, "the failure was journaled after the kill");
        Assert.Equal(1, journal.Count(r => r.Manifest == "SL"));
        Assert.Equal(after.TurnsCompleted, journal.Count(r => r.Manifest == "TC"));
        Assert.Equal(after.RespondCount, journal.Count(r => r.Manifest == "RSP"));
        Assert.Equal(1, journal.Count(r => r.Manifest == "SF"));
        Assert.True(journal.FindIndex(r => r.Manifest == "SF") >= journaledBefore.Count, "the node-lost failure is after what was journaled before the kill");

        // Nothing of it is live on any survivor's list.
        await Eventually.HoldsAsync(async () => Assert.DoesNotContain(await LiveOnAsync(survivors[0]), s => s.Id == launched.Id), seconds: 30);
        await Eventually.HoldsAsync(async () => Assert.DoesNotContain(await LiveOnAsync(survivors[1]), s => s.Id == launched.Id), seconds: 30);

        // The node-lost notification, journaled right after the failure in the same write (its id is the session id and
        // the sequence number of its own NotificationRaised event).
        var notified = await NodeLostWebhookAsync(launched.Id);
        var notificationId = notified.Header("X-SessionCluster-Notification-Id");
        var failure = journal.First(r => r.Manifest == "SF");
        var raised = journal.First(r => r.Manifest == "NR" && r.Seq > failure.Seq);
        Assert.Equal(failure.Seq + 1, raised.Seq);
        Assert.Equal($"{launched.Id}:{raised.Seq}", notificationId);
        var payload = notified.Json();
        Assert.Equal(("failed", "node-lost"), (payload.GetProperty("status").GetString(), payload.GetProperty("error").GetProperty("kind").GetString()));
        Assert.Contains($"sessionctl resume {launched.Id}", payload.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        await Eventually.HoldsAsync(
            async () =>
            {
                var notes = await ctl.RunAsync("notify", "list", launched.Id, "--json");
                var listed = JsonSerializer.Deserialize<List<NotificationDto>>(notes.Stdout, Api.Json)!;
                Assert.Contains(listed, n => n.Id == notificationId && n.Kind == "node-lost" && n.State == "delivered");
                Assert.Equal(journal.Count(r => r.Manifest == "NR"), listed.Count);
            },
            seconds: 30);

        // Once: the cluster's one notifier (a singleton, now on a survivor) has read the journal past the notification's
        // event (its settled offset covers it) and has nothing pending on the channel: a repeat, from its fast path or its
        // journal read, would have been sent by then.
        await SettledAsync(cluster, ctl, launched.Id, raised.Seq);
        var deliveries = fixture.Receiver.Received.Where(r => r.Header("X-SessionCluster-Notification-Id") == notificationId).ToList();
        Assert.True(deliveries.Count == 1,
            $"the node-lost notification {notificationId} was delivered {deliveries.Count} times: " +
            string.Join(" | ", deliveries.Select(d => $"#{d.Number} at {d.ReceivedAt:HH:mm:ss.fff} node {d.Json().GetProperty("node")}")));
        Assert.Single(fixture.Receiver.Received.Where(r => IsNodeLostOf(r, launched.Id)).Select(r => r.Header("X-SessionCluster-Notification-Id")).Distinct());

        release.SetResult();
    }

    [Fact]
    public async Task A_node_sigkilled_that_never_comes_back_leaves_no_session_live_and_fails_none_of_the_survivors()
    {
        await using var cluster = await fixture.StartClusterAsync();
        var release = new TaskCompletionSource();

        // Sessions launched through every node: where each runs is sharding's choice.
        var sessions = new List<SessionDto>();
        for (var i = 0; i < 5; i++)
        {
            var ctl = new Sessionctl(cluster.Nodes[i % cluster.Nodes.Count]);
            fixture.Model.Enqueue(ModelReply.Text($"Waiting {i}."));
            var launched = await ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(cluster.NewWorkdir(), $"wait {i}"));
            sessions.Add(await ctl.WaitAsync(launched.Id, "waiting-for-input"));
        }

        // One of the victim's sessions mid-turn (running), the others waiting for input.
        var victim = cluster.NodeWithId(sessions[0].NodeId!);
        var victimId = sessions[0].NodeId!;
        var again = $"again {Guid.NewGuid():N}";
        var first = new Sessionctl(cluster.Nodes[0]);
        fixture.Model.Enqueue(ModelReply.Held(release.Task, ModelReply.Text("Late.")));
        await first.SessionAsync("respond", sessions[0].Id, again);
        await fixture.Model.WaitForRequestAsync(r => r.IsTurn && r.Body.Contains(again, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal("running", (await first.SessionAsync("show", sessions[0].Id)).Status);
        var lost = sessions.Where(s => s.NodeId == victimId).Select(s => s.Id).ToHashSet();
        var kept = sessions.Where(s => s.NodeId != victimId).Select(s => s.Id).ToHashSet();

        await victim.CrashAsync();
        var survivors = cluster.Except(victim);
        await cluster.WaitUntilMembersAsync(survivors, FailoverDeadline);

        foreach (var survivor in survivors)
        {
            var ctl = new Sessionctl(survivor);
            foreach (var id in lost)
            {
                Assert.Equal("node-lost", (await FailedOnAsync(ctl, id, cluster)).Error!.Kind);
            }

            await Eventually.HoldsAsync(async () => Assert.DoesNotContain(await LiveOnAsync(survivor), s => s.NodeId == victimId), seconds: 30);
            foreach (var id in kept)
            {
                Assert.Equal("waiting-for-input", (await ctl.SessionAsync("show", id)).Status);
            }
        }

        release.SetResult();
    }

    [Fact]
    public async Task An_auto_resume_session_of_a_sigkilled_node_is_resumed_on_a_survivor_and_resume_links_survive_the_kill()
    {
        // One HOME for all nodes: the survivor's claude must read the transcript the lost node's claude wrote.
        await using var cluster = await NodeCluster.StartAsync(fixture.Postgres, fixture.Model, fixture.NotificationHocon, sharedHome: true);
        var claude = AgentUnderTest.Of("claude");
        var first = new Sessionctl(cluster.Nodes[0]);

        // A chain: a interrupted, b resumed from it and waiting for input; where b runs is the node to kill.
        fixture.Model.Enqueue(ModelReply.Text("A waits."), ModelReply.Text("B waits."));
        var a = await first.SessionAsync(claude.Launch(cluster.NewWorkdir(), "start a chain"));
        await first.WaitAsync(a.Id, "waiting-for-input");
        await first.SessionAsync("interrupt", a.Id);
        await first.WaitAsync(a.Id, "interrupted");
        var b = await first.SessionAsync("resume", a.Id, "go on");
        var bBefore = await first.WaitAsync(b.Id, "waiting-for-input");
        Assert.Equal(a.Id, bBefore.ResumedFromId);
        Assert.Equal([b.Id], (await first.SessionAsync("show", a.Id)).ResumedAs);
        var victim = cluster.NodeAt(bBefore.Node!);

        // Launched with auto-resume on the same node; its first turn gives the agent a conversation to resume.
        var remember = $"remember {Guid.NewGuid():N}";
        fixture.Model.Enqueue(ModelReply.Text("Remembered."));
        var launched = await first.SessionAsync(claude.Launch(cluster.NewWorkdir(), remember, "--auto-resume", "--node", bBefore.Node!));
        var before = await first.WaitAsync(launched.Id, "waiting-for-input");
        Assert.True(before.AutoResume);
        Assert.Equal(bBefore.Node, before.Node);
        Assert.NotNull(before.AgentSessionId);
        fixture.Model.Enqueue(ModelReply.Text("Back on a survivor."));

        await victim.CrashAsync();
        var survivors = cluster.Except(victim).Select(NodeCluster.AddressOf).ToList();
        var ctl = new Sessionctl(cluster.Except(victim)[0]);

        // The lost session reads node-lost and links the session the cluster resumed it as.
        var resumedId = Session.AutoResumeIdOf(launched.Id);
        var lost = await FailedOnAsync(ctl, launched.Id, cluster);
        Assert.Equal("node-lost", lost.Error!.Kind);
        Assert.Equal([resumedId], lost.ResumedAs);
        Assert.Contains($"sessionctl show {resumedId}", lost.Error.Suggestion);
        Assert.Contains((await ctl.RunAsync("show", launched.Id)).Stdout.Split('\n'), l => l.Contains("resumed as") && l.Contains(resumedId));

        // The resumed session runs the same conversation on a survivor, waits for input, and links back.
        var resumed = await Eventually.ReturnsAsync(
            async () =>
            {
                var shown = await ctl.SessionAsync("show", resumedId);
                Assert.Equal("waiting-for-input", shown.Status);
                return shown;
            },
            FailoverDeadline);
        Assert.Contains(resumed.Node, survivors);
        Assert.Equal((launched.Id, before.AgentSessionId, 1), (resumed.ResumedFromId, resumed.AgentSessionId, resumed.TurnsCompleted));
        Assert.Equal([resumedId, launched.Id], resumed.ResumeChain);
        var continued = fixture.Model.TurnRequests.Last(r => r.Body.Contains(Session.AutoResumePrompt, StringComparison.Ordinal));
        Assert.Contains(remember, continued.Body);
        Assert.Contains((await ctl.RunAsync("show", resumedId)).Stdout.Split('\n'), l => l.Contains("resumed from") && l.Contains(launched.Id));

        // b, itself a resume and not launched with auto-resume, is lost with its links intact both ways.
        var bLost = await FailedOnAsync(ctl, b.Id, cluster);
        Assert.Equal(("node-lost", a.Id), (bLost.Error!.Kind, bLost.ResumedFromId));
        Assert.Equal([b.Id, a.Id], bLost.ResumeChain);
        Assert.Empty(bLost.ResumedAs);
        Assert.Equal([b.Id], (await ctl.SessionAsync("show", a.Id)).ResumedAs);
    }

    /// <summary>The session as <paramref name="ctl"/>'s node shows it once it reads failed, within the failover deadline.</summary>
    private static async Task<SessionDto> FailedOnAsync(Sessionctl ctl, string id, NodeCluster cluster)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < FailoverDeadline)
        {
            // While the lost node's shards move, a read may time out (503) or the entity still recovers: try again.
            var shown = await ctl.RunAsync("show", id, "--json");
            if (shown.ExitCode == 0 && JsonSerializer.Deserialize<SessionDto>(shown.Stdout, Api.Json) is { Status: "failed" } failed)
            {
                return failed;
            }

            last = shown.ToString();
            await Task.Delay(200);
        }

        throw new TimeoutException($"session {id} did not read failed within {FailoverDeadline.TotalSeconds} s; last: {last}\n{cluster.Outputs()}");
    }

    private static async Task<List<SessionDto>> LiveOnAsync(NodeProcess node)
    {
        var listed = await SessionctlProcess.RunAsync(node, "list", "--status", string.Join(',', LiveStatuses), "--json");
        Assert.True(listed.ExitCode == 0, $"list: {listed}");
        return JsonSerializer.Deserialize<List<SessionDto>>(listed.Stdout, Api.Json)!;
    }

    private async Task<ReceivedRequest> NodeLostWebhookAsync(string sessionId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (fixture.Receiver.Received.FirstOrDefault(r => IsNodeLostOf(r, sessionId)) is { } found)
            {
                return found;
            }

            if (clock.Elapsed > FailoverDeadline)
            {
                throw new TimeoutException($"no node-lost notification of {sessionId}; received: " +
                    string.Join(" | ", fixture.Receiver.Received.Select(r => r.Body)));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the notifier's settled offset (the one cluster-wide row) covers event <paramref name="seq"/> of the
    /// session and the survivor's notifier reports nothing pending on the <c>hook</c> channel.
    /// </summary>
    private static async Task SettledAsync(NodeCluster cluster, Sessionctl ctl, string sessionId, long seq)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var ordering = new NpgsqlCommand("SELECT ordering FROM journal WHERE persistence_id = @id AND sequence_number = @seq", connection);
        ordering.Parameters.AddWithValue("id", $"session-{sessionId}");
        ordering.Parameters.AddWithValue("seq", seq);
        var offset = (long)(await ordering.ExecuteScalarAsync())!;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var settled = new NpgsqlCommand("SELECT journal_offset FROM notification_offset WHERE follower = ''", connection);
                Assert.True(await settled.ExecuteScalarAsync() is long at && at >= offset, $"the notifier's settled offset is short of {offset}");
                var channels = await ctl.RunAsync("notify", "channels", "--json");
                Assert.True(channels.ExitCode == 0, $"notify channels: {channels}");
                Assert.Equal(0, JsonSerializer.Deserialize<List<ChannelHealthDto>>(channels.Stdout, Api.Json)!.Single(c => c.Name == "hook").Pending);
            },
            seconds: 30);
    }

    private static bool IsNodeLostOf(ReceivedRequest request, string sessionId)
    {
        var json = request.Json();
        return json.GetProperty("sessionId").GetString() == sessionId && json.GetProperty("kind").GetString() == "node-lost";
    }

    private sealed record JournalRow(long Seq, string Manifest);

    /// <summary>The session's rows in Akka.Persistence.Sql's journal table, read straight from PostgreSQL, in order.</summary>
    private static async Task<List<JournalRow>> JournalAsync(NodeCluster cluster, string sessionId)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT sequence_number, manifest FROM journal WHERE persistence_id = @id AND NOT deleted ORDER BY sequence_number", connection);
        command.Parameters.AddWithValue("id", $"session-{sessionId}");
        var rows = new List<JournalRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }
}
