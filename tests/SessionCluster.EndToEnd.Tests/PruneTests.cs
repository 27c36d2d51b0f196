using System.Text.Json;
using Microsoft.Data.Sqlite;
using SessionCluster.Contracts;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// Retention through a real node and the real sessionctl, for each agent: `prune --dry-run` shows and changes nothing,
/// `prune` deletes a finished session's journal, snapshots, event log and codex home for good, and never touches a live
/// session or a finished one whose resume is live.
/// </summary>
public sealed class PruneTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_finished_session_is_shown_by_a_dry_run_then_pruned_for_good_and_live_chains_are_kept(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        var marker = "prune-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Model.Enqueue(
            agent.RunCommand($"echo {marker}"), ModelReply.Text("Done."),   // done: one turn with a command
            ModelReply.Text("Waiting."),                                      // live: multi-turn, waits
            ModelReply.Text("First."),                                        // first: multi-turn, then killed
            ModelReply.Text("Resumed, waiting."));                            // resumed: first's resume, waits
        var done = await Ctl.SessionAsync(agent.Launch(fixture.NewWorkdir(), "run it", "--single-turn", "--permission-mode", "accept-edits"));
        await Ctl.WaitAsync(done.Id, "completed");
        await Eventually.HoldsAsync(async () => Assert.Contains(marker, (await Ctl.RunAsync("output", done.Id)).Stdout));
        var live = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "wait for me"));
        await Ctl.WaitAsync(live.Id, "waiting-for-input");
        var first = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "first of a chain"));
        await Ctl.WaitAsync(first.Id, "waiting-for-input");
        await Ctl.RunAsync("kill", first.Id);
        await Ctl.WaitAsync(first.Id, "killed");
        var resumed = await Ctl.SessionAsync("resume", first.Id, "go on");
        await Ctl.WaitAsync(resumed.Id, "waiting-for-input");
        var homes = Path.Combine(fixture.Node.DataDir, "codex-homes", done.Id);
        Assert.Equal(agentName == "codex", Directory.Exists(homes));

        // A dry run reads the session directory, which follows the journal a moment behind (the prune itself asks each
        // session): wait until it has the resume, whose link first recorded before the resumed session's first event.
        await Eventually.HoldsAsync(async () => Assert.Contains(resumed.Id, (await Ctl.RunAsync("list", "--json")).Stdout), 30);
        var dryRun = await PruneAsync("--older-than", "0s", "--dry-run");
        Assert.True(dryRun.DryRun);
        Assert.Contains(dryRun.Pruned, p => p.Id == done.Id && p.Status == "completed" && p.Reason == "finished more than 0 seconds ago");
        Assert.DoesNotContain(dryRun.Pruned, p => p.Id == live.Id || p.Id == first.Id || p.Id == resumed.Id);
        var shownDry = await Ctl.RunAsync("prune", "--older-than", "0s", "--dry-run");
        Assert.True(shownDry.ExitCode == 0, shownDry.ToString());
        Assert.Contains(done.Id, shownDry.Stdout);
        Assert.Contains("would be pruned", shownDry.Stdout);
        Assert.Equal(0, (await Ctl.RunAsync("show", done.Id)).ExitCode);
        Assert.NotEmpty(JournalRows(done.Id));

        var pruned = await Ctl.RunAsync("prune", "--older-than", "0s");
        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        Assert.Contains(done.Id, pruned.Stdout);
        Assert.Matches(@"\d+ session\(s\) pruned", pruned.Stdout);

        var gone = await Ctl.RunAsync("show", done.Id);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains($"no session {done.Id}", gone.Stderr);
        Assert.NotEqual(0, (await Ctl.RunAsync("output", done.Id)).ExitCode);
        Assert.DoesNotContain(done.Id, (await Ctl.RunAsync("list", "--json")).Stdout);
        Assert.DoesNotContain(done.Id, (await Ctl.RunAsync("search", marker, "--json")).Stdout);
        // Of the journal only the tombstone stays, marked deleted; no snapshot, no event log, no codex home.
        Assert.Equal([("SP", 1L)], JournalRows(done.Id));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM snapshot WHERE persistence_id = $pid", "session-" + done.Id));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM session_events WHERE session_id = $pid", done.Id));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM session_event_logs WHERE session_id = $pid", done.Id));
        Assert.False(Directory.Exists(homes));
        await Eventually.HoldsAsync(() =>
        {
            Assert.Equal(0, Count("SELECT COUNT(*) FROM session_directory WHERE session_id = $pid", done.Id));
            return Task.CompletedTask;
        });

        foreach (var kept in new[] { live, first, resumed })
        {
            Assert.Equal(0, (await Ctl.RunAsync("show", kept.Id)).ExitCode);
        }

        await Ctl.RunAsync("kill", live.Id);
        await Ctl.RunAsync("kill", resumed.Id);
    }

    [Fact]
    public async Task Bad_input_is_a_clear_error_and_exit_2()
    {
        var badAge = await Ctl.RunAsync("prune", "--older-than", "a week");
        Assert.Equal(2, badAge.ExitCode);
        Assert.Contains("--older-than expects a whole number and a unit: s, m, h or d", badAge.Stderr);
        Assert.DoesNotContain("   at ", badAge.Stderr);

        var badKeep = await Ctl.RunAsync("prune", "--keep", "-1");
        Assert.Equal(2, badKeep.ExitCode);
        Assert.DoesNotContain("   at ", badKeep.Stderr);
    }

    private async Task<PruneDto> PruneAsync(params string[] args)
    {
        var result = await Ctl.RunAsync(["prune", .. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonSerializer.Deserialize<PruneDto>(result.Stdout, Api.Json)!;
    }

    private List<(string Manifest, long Deleted)> JournalRows(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, deleted FROM journal WHERE persistence_id = $pid ORDER BY sequence_number";
        command.Parameters.AddWithValue("$pid", "session-" + id);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private long Count(string sql, string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$pid", id);
        return (long)command.ExecuteScalar()!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Node.DataDir, "sessions.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}
