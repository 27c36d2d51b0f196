using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>The channel actor around a fake channel: every delivery answered once, whatever the channel does.</summary>
public sealed class ChannelActorTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_channel_that_fails_twice_then_works_answers_each_attempt_failed_failed_delivered()
    {
        var calls = 0;
        var channel = new FakeChannel(async (_, _) =>
        {
            await Task.Yield();
            if (Interlocked.Increment(ref calls) is var call and <= 2)
            {
                throw new ChannelException($"receiver said no ({call})");
            }
        });
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromSeconds(5)));

        actor.Tell(Deliver("s1:7", 1));
        Assert.Equal(new ChannelDeliveryFailed("ops", "s1:7", 1, "receiver said no (1)"), ExpectMsg<ChannelDeliveryFailed>(Wait));
        actor.Tell(Deliver("s1:7", 2));
        Assert.Equal(new ChannelDeliveryFailed("ops", "s1:7", 2, "receiver said no (2)"), ExpectMsg<ChannelDeliveryFailed>(Wait));
        actor.Tell(Deliver("s1:7", 3));
        Assert.Equal(new ChannelDelivered("ops", "s1:7", 3), ExpectMsg<ChannelDelivered>(Wait));
        Assert.Equal([1, 2, 3], channel.Started.Select(d => d.Attempt));
    }

    [Fact]
    public void A_channel_that_throws_before_returning_a_task_fails_that_attempt_and_the_actor_goes_on()
    {
        var calls = 0;
        var channel = new FakeChannel((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("the gateway CLI is not configured")
            : Task.CompletedTask);
        var actor = Sys.ActorOf(ChannelActor.Props("gateway", _ => channel, TimeSpan.FromSeconds(5)));

        actor.Tell(Deliver("s1:1"));
        Assert.Equal("the gateway CLI is not configured", ExpectMsg<ChannelDeliveryFailed>(Wait).Error);
        actor.Tell(Deliver("s1:2"));
        Assert.Equal(new ChannelDelivered("gateway", "s1:2", 1), ExpectMsg<ChannelDelivered>(Wait));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_hanging_channel_is_answered_timed_out_at_its_timeout_whether_or_not_it_heeds_the_token(bool heedsToken)
    {
        var hang = new TaskCompletionSource();
        var channel = new FakeChannel((d, token) => d.Id == "s1:1"
            ? heedsToken ? Task.Delay(Timeout.Infinite, token) : hang.Task
            : Task.CompletedTask);
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromMilliseconds(400)));
        var clock = Stopwatch.StartNew();

        actor.Tell(Deliver("s1:1"));
        var failed = ExpectMsg<ChannelDeliveryFailed>(TimeSpan.FromMilliseconds(400) + TimeSpan.FromSeconds(3));
        Assert.Equal(new ChannelDeliveryFailed("ops", "s1:1", 1, "timed out after 400ms"), failed);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"answered after {clock.Elapsed}, before the timeout");

        actor.Tell(Deliver("s1:2"));
        ExpectMsg<ChannelDelivered>(Wait);
        hang.SetResult();
    }

    [Fact]
    public void A_channel_that_blocks_its_callers_thread_blocks_neither_the_actor_nor_other_deliveries()
    {
        using var release = new ManualResetEventSlim();
        var channel = new FakeChannel((d, _) =>
        {
            if (d.Id == "s1:1")
            {
                release.Wait(Wait);
            }

            return Task.CompletedTask;
        });
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromSeconds(30)));

        actor.Tell(Deliver("s1:1"));
        actor.Tell(Deliver("s1:2"));
        Assert.Equal("s1:2", ExpectMsg<ChannelDelivered>(Wait).Id);
        release.Set();
        Assert.Equal("s1:1", ExpectMsg<ChannelDelivered>(Wait).Id);
    }

    [Fact]
    public void At_most_32_deliveries_run_at_once_and_the_rest_start_in_order_as_slots_free()
    {
        var held = new ConcurrentDictionary<string, TaskCompletionSource>();
        var channel = new FakeChannel((d, _) => held.GetOrAdd(d.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task);
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromMinutes(1)));
        var ids = Enumerable.Range(1, 40).Select(i => $"s1:{i}").ToList();

        ids.ForEach(id => actor.Tell(Deliver(id)));

        AwaitCondition(() => channel.Calls == ChannelActor.MaxInFlight, Wait);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(ChannelActor.MaxInFlight, channel.Calls);
        Assert.Equal(ids.Take(32).ToHashSet(), channel.Started.Select(d => d.Id).ToHashSet());

        ids.Take(8).ToList().ForEach(id => held[id].SetResult());
        var firstAnswers = Enumerable.Range(0, 8).Select(_ => ExpectMsg<ChannelDelivered>(Wait).Id).ToHashSet();
        Assert.Equal(ids.Take(8).ToHashSet(), firstAnswers);
        AwaitCondition(() => channel.Calls == 40, Wait);
        // The queued ones started oldest first: the last 8 to start are ids 33..40.
        Assert.Equal(ids.Skip(32).ToHashSet(), channel.Started.Skip(32).Select(d => d.Id).ToHashSet());

        ids.Skip(8).ToList().ForEach(id => held[id].SetResult());
        var rest = Enumerable.Range(0, 32).Select(_ => ExpectMsg<ChannelDelivered>(Wait).Id).ToHashSet();
        Assert.Equal(ids.Skip(8).ToHashSet(), rest);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_queued_deliveries_start_strictly_in_the_order_they_came()
    {
        var held = new ConcurrentDictionary<string, TaskCompletionSource>();
        var channel = new FakeChannel((d, _) => held.GetOrAdd(d.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task);
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromMinutes(1)));
        var ids = Enumerable.Range(1, 36).Select(i => $"s1:{i}").ToList();
        ids.ForEach(id => actor.Tell(Deliver(id)));
        AwaitCondition(() => channel.Calls == 32, Wait);

        // Free one slot at a time: each frees exactly the next queued one.
        for (var i = 0; i < 4; i++)
        {
            held[ids[i]].SetResult();
            ExpectMsg<ChannelDelivered>(Wait);
            AwaitCondition(() => channel.Calls == 33 + i, Wait);
            Assert.Equal(ids[32 + i], channel.Started.Last().Id);
        }
    }

    [Fact]
    public async Task Stopping_the_actor_cancels_running_deliveries_and_disposes_the_channel()
    {
        var cancelled = new TaskCompletionSource();
        var channel = new FakeChannel(async (_, token) =>
        {
            await using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
        });
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => channel, TimeSpan.FromMinutes(1)));
        actor.Tell(Deliver());
        AwaitCondition(() => channel.Calls == 1, Wait);

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Wait);

        await cancelled.Task.WaitAsync(Wait);
        Assert.True(channel.Disposed);
    }

    [Fact]
    public void The_answer_goes_to_whoever_asked()
    {
        var actor = Sys.ActorOf(ChannelActor.Props("ops", _ => FakeChannel.Delivering(), TimeSpan.FromSeconds(5)));
        var a = CreateTestProbe();
        var b = CreateTestProbe();

        actor.Tell(Deliver("s1:1"), a.Ref);
        actor.Tell(Deliver("s1:2"), b.Ref);

        Assert.Equal("s1:1", a.ExpectMsg<ChannelDelivered>(Wait).Id);
        Assert.Equal("s1:2", b.ExpectMsg<ChannelDelivered>(Wait).Id);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [InlineData(5000, "5s")]
    [InlineData(1500, "1.5s")]
    [InlineData(400, "400ms")]
    public void A_timeout_reads_in_seconds_or_milliseconds(int milliseconds, string expected) =>
        Assert.Equal(expected, ChannelActor.Describe(TimeSpan.FromMilliseconds(milliseconds)));
}
