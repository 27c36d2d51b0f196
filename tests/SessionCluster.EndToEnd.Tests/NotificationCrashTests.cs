using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>The journal is the outbox: a node killed between "notification persisted" and "delivered" delivers it after its restart.</summary>
public sealed class NotificationCrashTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    [Fact]
    public async Task A_notification_persisted_but_not_delivered_when_the_node_is_killed_is_delivered_after_restart()
    {
        // The receiver takes the request and never answers in time: the notification is persisted, not delivered.
        fixture.Receiver.Delay(TimeSpan.FromMinutes(5));
        fixture.Model.Enqueue(ModelReply.Text("Finished before the crash."));
        var launched = await fixture.Ctl.SessionAsync(AgentUnderTest.Of("claude").Launch(fixture.Workdir, "finish", "--single-turn"));
        var first = await fixture.WebhookAsync(launched.Id, "completed");
        var id = first.Json().GetProperty("id").GetString();

        await fixture.Node.CrashAsync();
        fixture.Receiver.Delay(TimeSpan.Zero);
        await fixture.Node.StartAgainAsync();

        // The same notification, by the same id, answered 200 this time.
        await Eventually.HoldsAsync(() =>
        {
            Assert.Contains(fixture.WebhooksOf(launched.Id), r =>
                r.Number > first.Number && r.Json().GetProperty("id").GetString() == id && r.AnsweredStatus == 200);
            return Task.CompletedTask;
        }, seconds: 60);
        NotificationFixture.AssertSigned(fixture.WebhooksOf(launched.Id).Last());
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await fixture.Ctl.RunAsync("notify", "list", launched.Id);
            Assert.Contains("delivered", listed.Stdout);
        });
    }
}
