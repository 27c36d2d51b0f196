using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>A node whose retention keeps one finished session removes the older one by itself, in the background.</summary>
public sealed class BackgroundRetentionTests(BackgroundRetentionTests.KeepOneFixture fixture) : IClassFixture<BackgroundRetentionTests.KeepOneFixture>
{
    public sealed class KeepOneFixture : NodeFixture
    {
        protected override string ExtraHocon => "sessioncluster.retention { max-finished-sessions = 1, interval = 1s }";
    }

    [Fact]
    public async Task Beyond_the_configured_count_the_oldest_finished_session_goes_without_being_asked()
    {
        var ctl = fixture.Ctl;
        fixture.Model.Enqueue(ModelReply.Text("Older."), ModelReply.Text("Newer."));
        var older = await ctl.SessionAsync("launch", "--workdir", fixture.Workdir, "--prompt", "one", "--single-turn");
        await ctl.WaitAsync(older.Id, "completed");
        var newer = await ctl.SessionAsync("launch", "--workdir", fixture.Workdir, "--prompt", "two", "--single-turn");
        await ctl.WaitAsync(newer.Id, "completed");

        await Eventually.HoldsAsync(async () =>
        {
            var shown = await ctl.RunAsync("show", older.Id);
            Assert.Contains($"no session {older.Id}", shown.Stderr);
        });
        Assert.Equal(0, (await ctl.RunAsync("show", newer.Id)).ExitCode);
        Assert.NotEqual(0, (await ctl.RunAsync("output", older.Id)).ExitCode);
    }
}
