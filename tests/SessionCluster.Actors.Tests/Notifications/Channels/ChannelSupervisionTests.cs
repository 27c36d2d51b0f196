using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>A channel that cannot be created is restarted with backoff under its supervisor, which itself stays up.</summary>
public sealed class ChannelSupervisionTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(400);

    [Fact]
    public void A_channel_that_throws_on_construction_is_restarted_with_backoff_until_it_works_and_then_delivers()
    {
        var broken = 1;
        var creations = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        INotificationChannel Create(Akka.Event.ILoggingAdapter log)
        {
            creations.Enqueue(clock.Elapsed);
            return Volatile.Read(ref broken) == 1
                ? throw new ChannelException("the webhook url is not an absolute http(s) URL")
                : FakeChannel.Delivering();
        }

        var startFailures = CreateTestProbe();
        Sys.EventStream.Subscribe(startFailures.Ref, typeof(ChannelStartFailed));
        var supervisor = Sys.ActorOf(ChannelSupervision.Props("ops", Create, TimeSpan.FromSeconds(5), MinBackoff, MaxBackoff), "ops-channel");
        Watch(supervisor);

        Assert.Equal(
            new ChannelStartFailed("ops", "the webhook url is not an absolute http(s) URL"),
            startFailures.ExpectMsg<ChannelStartFailed>(Wait));
        // While it is down, a delivery is not answered: the notifier's own deadline covers it.
        supervisor.Tell(Deliver("s1:1"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        AwaitCondition(() => creations.Count >= 4, Wait);

        Volatile.Write(ref broken, 0);
        var attempt = 1;
        AwaitAssert(
            () =>
            {
                supervisor.Tell(Deliver("s1:2", attempt++));
                Assert.Equal("s1:2", ExpectMsg<ChannelDelivered>(TimeSpan.FromMilliseconds(300)).Id);
            },
            Wait,
            TimeSpan.Zero);

        // Restarted with backoff, not in a hot loop: the waits double from the minimum up to the maximum.
        var times = creations.ToList();
        for (var i = 1; i < Math.Min(times.Count, 5); i++)
        {
            var expected = TimeSpan.FromTicks(Math.Min(MinBackoff.Ticks << (i - 1), MaxBackoff.Ticks));
            Assert.True(times[i] - times[i - 1] >= expected * 0.8, $"restart {i} came {times[i] - times[i - 1]} after the one before, expected {expected} or more");
        }

        // The supervisor (and this test's actor) outlived every failure of its child.
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        supervisor.Tell(Deliver("s1:3"));
        ExpectMsg<ChannelDelivered>(Wait);
    }

    [Fact]
    public void Deliveries_through_the_supervisor_are_answered_by_its_channel_actor()
    {
        var channel = FakeChannel.Delivering();
        var supervisor = Sys.ActorOf(ChannelSupervision.Props("audit", _ => channel, TimeSpan.FromSeconds(5)));

        supervisor.Tell(Deliver("s1:1"));
        supervisor.Tell(Deliver("s1:2", 2));

        // Both run at once, so either may be answered first.
        var answers = new[] { ExpectMsg<ChannelDelivered>(Wait), ExpectMsg<ChannelDelivered>(Wait) };
        Assert.Equal(ChannelSupervision.ChildName, LastSender.Path.Name);
        Assert.Equal([new ChannelDelivered("audit", "s1:1", 1), new ChannelDelivered("audit", "s1:2", 2)], answers.OrderBy(a => a.Id));
    }

    [Fact]
    public void A_channel_failing_every_delivery_is_not_restarted_it_just_answers_failed()
    {
        var creations = 0;
        var supervisor = Sys.ActorOf(ChannelSupervision.Props(
            "ops",
            _ =>
            {
                Interlocked.Increment(ref creations);
                return new FakeChannel((_, _) => throw new ChannelException("HTTP 503 Service Unavailable"));
            },
            TimeSpan.FromSeconds(5),
            MinBackoff,
            MaxBackoff));

        for (var i = 1; i <= 5; i++)
        {
            supervisor.Tell(Deliver("s1:1", i));
            Assert.Equal(new ChannelDeliveryFailed("ops", "s1:1", i, "HTTP 503 Service Unavailable"), ExpectMsg<ChannelDeliveryFailed>(Wait));
        }

        Assert.Equal(1, Volatile.Read(ref creations));
    }
}
