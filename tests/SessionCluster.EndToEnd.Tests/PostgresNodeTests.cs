using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// The node on PostgreSQL (sessioncluster.persistence.provider = postgres): a real claude session runs, its events are
/// kept, searched and listed, its notification is delivered, and a restarted node has it all, with no SQLite file made.
/// </summary>
public sealed class PostgresNodeTests(PostgresNodeFixture fixture) : IClassFixture<PostgresNodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Fact]
    public async Task A_session_on_postgres_is_kept_searched_listed_and_still_there_after_a_restart()
    {
        var workdir = fixture.NewWorkdir();
        fixture.Model.Enqueue(AgentUnderTest.Of("claude").RunCommand("printf pg-ok > pg.txt"), ModelReply.Text("Wrote pg.txt on postgres."));
        var launched = await Ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(workdir, "write pg.txt", "--single-turn"));
        Assert.Equal("permission", (await Ctl.WaitAsync(launched.Id, "waiting-for-input")).WaitingReason);
        await Ctl.SessionAsync("approve", launched.Id);

        var done = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal(1, done.TurnsCompleted);
        Assert.Equal("pg-ok", File.ReadAllText(Path.Combine(workdir, "pg.txt")));

        var output = await Ctl.RunAsync("output", launched.Id, "--type", "tool_use,command");
        Assert.Equal(0, output.ExitCode);
        Assert.Contains("printf pg-ok", output.Stdout);
        await Eventually.HoldsAsync(async () =>
        {
            var found = await Ctl.RunAsync("search", "pg.txt");
            Assert.Contains(launched.Id, found.Stdout);
        });
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await Ctl.RunAsync("list", "--status", "completed");
            Assert.Contains(launched.Id, listed.Stdout);
            var notes = await Ctl.RunAsync("notify", "list", launched.Id, "--json");
            var kinds = JsonDocument.Parse(notes.Stdout).RootElement.EnumerateArray()
                .Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("state").GetString())).ToList();
            Assert.Contains(("completed", "delivered"), kinds);
            Assert.Contains(("permission-request", "delivered"), kinds);
        });
        Assert.False(File.Exists(Path.Combine(fixture.Node.DataDir, "sessions.db")), "no SQLite journal is made on postgres");

        await fixture.Node.StopAsync(NodeProcess.SigTerm, TimeSpan.FromSeconds(30));
        await fixture.Node.StartAgainAsync();

        var again = await Ctl.WaitAsync(launched.Id, "completed");
        Assert.Equal((done.TurnsCompleted, done.CostUsd, done.Usage), (again.TurnsCompleted, again.CostUsd, again.Usage));
        await Eventually.HoldsAsync(async () => Assert.Contains(launched.Id, (await Ctl.RunAsync("list")).Stdout));
        // Nothing delivered again after the restart: still the two, both delivered.
        var notesAfter = await Ctl.RunAsync("notify", "list", launched.Id, "--json");
        Assert.Equal(2, JsonDocument.Parse(notesAfter.Stdout).RootElement.GetArrayLength());
        Assert.Contains("printf pg-ok", (await Ctl.RunAsync("output", launched.Id, "--type", "tool_use,command")).Stdout);
    }
}
