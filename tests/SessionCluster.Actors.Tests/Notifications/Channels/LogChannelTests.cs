using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

public sealed class LogChannelTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Each_notification_is_one_structured_info_event_from_the_channel_actor()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(Info));
        var channel = Sys.ActorOf(ChannelActor.Props("log", log => new LogChannel("log", log), Wait), "log-channel");

        channel.Tell(Deliver("s1:7"));
        ExpectMsg<ChannelDelivered>(Wait);

        var info = events.FishForMessage<Info>(i => $"{i.Message}".Contains("s1:7"), Wait);
        Assert.Contains("log-channel", info.LogSource);
        var message = Assert.IsAssignableFrom<LogMessage>(info.Message);
        Assert.Contains("{NotificationId}", message.Format);
        Assert.Contains("s1:7", message.Parameters());
        Assert.Contains("failed", message.Parameters());
        Assert.Equal(
            $"Notification s1:7 failed of session s1 (fix-login) failed on log (attempt 1): {Failed().Text}",
            info.Message.ToString());
    }

    [Fact]
    public async Task A_fallback_says_which_channel_failed_and_why()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(Info));
        using var channel = new LogChannel("log", Sys.Log);

        await channel.DeliverAsync(DeliveryOf("s1:7", 5, new FallbackReason("ops", "HTTP 500 Internal Server Error")), CancellationToken.None);

        var info = events.FishForMessage<Info>(i => $"{i.Message}".Contains("s1:7"), Wait);
        Assert.Contains("(attempt 5, instead of ops: HTTP 500 Internal Server Error)", info.Message.ToString());
    }
}
