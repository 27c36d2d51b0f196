using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Tests.Notifications;

/// <summary>
/// Routing, retries, fallback and debounce of <see cref="NotificationDispatcher"/>, with each channel a probe the test
/// answers for (the channels themselves are tested with real receivers in Channels/).
/// </summary>
public sealed class NotificationDispatcherTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, TestProbe> channels = new();
    private readonly MemoryNotificationStore store = new();

    private static NotificationSettings Settings(TimeSpan? debounce = null, int attempts = 3) => new(
        "system",
        "ops",
        debounce ?? TimeSpan.Zero,
        NotificationKinds.Default,
        new DeliveryRetry(attempts, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(80)),
        ImmutableSortedDictionary<string, ChannelSettings>.Empty
            .Add("system", new LogChannelSettings())
            .Add("ops", new WebhookChannelSettings(new Uri("http://127.0.0.1:9/hook"), null, TimeSpan.FromMilliseconds(300)))
            .Add("audit", new FileChannelSettings("n.jsonl", TimeSpan.FromMilliseconds(300))));

    private IActorRef Notifier(NotificationSettings settings, Func<string, Task<bool>>? stillWaiting = null)
    {
        // Made before the notifier, whose constructor (on its own thread) asks for them.
        foreach (var name in settings.Channels.Keys)
        {
            channels[name] = CreateTestProbe();
        }

        return Sys.ActorOf(NotificationDispatcher.Props(
            settings,
            store,
            journal: null,
            stillWaiting ?? (_ => Task.FromResult(true)),
            (name, _) =>
            {
                var probe = channels[name].Ref;
                return Props.Create(() => new ForwardTo(probe));
            }));
    }

    private static Notification Raised(NotificationKind kind, string session = "s1", string? channel = null) => new(
        kind, session, "fix-tests", "claude", "failed", channel, $"{kind} of {session}", null, null, null,
        ImmutableList<string>.Empty, null, 1, 0.01m, TokenUsage.Zero, "node-a", null, At);

    private DeliverToChannel Expect(string channel) => channels[channel].ExpectMsg<DeliverToChannel>(Wait);

    private void Succeed(string channel, DeliverToChannel delivery) =>
        channels[channel].Reply(new ChannelDelivered(channel, delivery.Delivery.Id, delivery.Delivery.Attempt));

    private void Fail(string channel, DeliverToChannel delivery, string error = "HTTP 500 Internal Server Error") =>
        channels[channel].Reply(new ChannelDeliveryFailed(channel, delivery.Delivery.Id, delivery.Delivery.Attempt, error));

    private NotificationRecord Listed(IActorRef notifier, string id)
    {
        notifier.Tell(new ListNotifications(null, 100), TestActor);
        return ExpectMsg<NotificationList>(Wait).Notifications.Single(n => n.Id == id);
    }

    [Fact]
    public void A_notification_goes_to_the_channel_its_session_named_or_else_to_the_default_and_is_delivered_once()
    {
        var notifier = Notifier(Settings());
        notifier.Tell(new NotificationPersisted("s1:3", Raised(NotificationKind.Failed, channel: "audit")));
        notifier.Tell(new NotificationPersisted("s2:4", Raised(NotificationKind.Completed, "s2")));

        var toAudit = Expect("audit");
        Assert.Equal("s1:3", toAudit.Delivery.Id);
        Assert.Equal(1, toAudit.Delivery.Attempt);
        Assert.Null(toAudit.Delivery.Fallback);
        var toOps = Expect("ops");
        Assert.Equal("s2:4", toOps.Delivery.Id);
        Succeed("audit", toAudit);
        Succeed("ops", toOps);

        // The same id again (the journal read finding what the fast path brought): not delivered twice.
        notifier.Tell(new NotificationPersisted("s1:3", Raised(NotificationKind.Failed, channel: "audit")));
        channels["audit"].ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        AwaitAssert(() => Assert.Equal(DeliveryState.Delivered, Listed(notifier, "s1:3").State), Wait);
        Assert.Equal("audit", Listed(notifier, "s1:3").Channel);
    }

    [Fact]
    public void A_channel_that_keeps_failing_is_retried_then_the_system_channel_gets_the_notification_with_why()
    {
        var notifier = Notifier(Settings(attempts: 3));
        notifier.Tell(new NotificationPersisted("s1:5", Raised(NotificationKind.Failed)));

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var delivery = Expect("ops");
            Assert.Equal(attempt, delivery.Delivery.Attempt);
            Fail("ops", delivery, $"HTTP 500 Internal Server Error (attempt {attempt})");
        }

        var fallback = Expect("system");
        Assert.Equal("s1:5", fallback.Delivery.Id);
        Assert.Equal(new FallbackReason("ops", "HTTP 500 Internal Server Error (attempt 3)"), fallback.Delivery.Fallback);
        Succeed("system", fallback);

        AwaitAssert(() =>
        {
            var record = Listed(notifier, "s1:5");
            Assert.Equal(DeliveryState.FallbackDelivered, record.State);
            Assert.Equal("system", record.Channel);
            Assert.Equal(4, record.Attempts);
            Assert.Equal("HTTP 500 Internal Server Error (attempt 3)", record.LastError);
        }, Wait);
        notifier.Tell(GetChannelHealth.Instance, TestActor);
        var ops = ExpectMsg<ChannelHealthReport>(Wait).Channels.Single(c => c.Name == "ops");
        Assert.Equal(3, ops.Failed);
        Assert.Equal("HTTP 500 Internal Server Error (attempt 3)", ops.LastError);
        Assert.True(ops.IsDefault);
    }

    [Fact]
    public void When_the_system_channel_fails_too_the_notification_stays_pending_and_is_retried_until_delivered()
    {
        var notifier = Notifier(Settings(attempts: 1));
        notifier.Tell(new NotificationPersisted("s1:6", Raised(NotificationKind.NodeLost)));
        Fail("ops", Expect("ops"));

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var delivery = Expect("system");
            Assert.Equal(attempt, delivery.Delivery.Attempt);
            Fail("system", delivery, "disk full");
            AwaitAssert(() => Assert.Equal(DeliveryState.FailedRetrying, Listed(notifier, "s1:6").State), Wait);
        }

        notifier.Tell(GetChannelHealth.Instance, TestActor);
        Assert.Equal(1, ExpectMsg<ChannelHealthReport>(Wait).Channels.Single(c => c.Name == "system").Pending);
        Succeed("system", Expect("system"));
        AwaitAssert(() => Assert.Equal(DeliveryState.FallbackDelivered, Listed(notifier, "s1:6").State), Wait);
    }

    [Fact]
    public void A_channel_that_never_answers_counts_as_failed_after_its_timeout_and_the_attempt_is_repeated()
    {
        var notifier = Notifier(Settings());
        notifier.Tell(new NotificationPersisted("s1:7", Raised(NotificationKind.Killed)));
        var first = Expect("ops");

        // No answer: past the channel's timeout (300 ms) and the slack, the guard fails the attempt and tries again.
        var second = channels["ops"].ExpectMsg<DeliverToChannel>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, second.Delivery.Attempt);
        Assert.Contains("no answer from channel 'ops'", Listed(notifier, "s1:7").LastError);

        // The late answer to the first attempt changes nothing; the second's settles it.
        Succeed("ops", first);
        Succeed("ops", second);
        AwaitAssert(() => Assert.Equal(DeliveryState.Delivered, Listed(notifier, "s1:7").State), Wait);
    }

    [Fact]
    public void A_session_that_asks_is_answered_and_asks_again_within_the_window_sends_one_waiting_notification()
    {
        var notifier = Notifier(Settings(debounce: TimeSpan.FromMilliseconds(500)));
        notifier.Tell(new NotificationPersisted("s1:8", Raised(NotificationKind.WaitingForInput)));
        notifier.Tell(new NotificationPersisted("s1:11", Raised(NotificationKind.WaitingForInput)));
        // A permission request is never held back.
        notifier.Tell(new NotificationPersisted("s1:12", Raised(NotificationKind.PermissionRequest)));
        Assert.Equal("s1:12", Expect("ops").Delivery.Id);

        var waiting = Expect("ops");
        Assert.Equal("s1:11", waiting.Delivery.Id);
        channels["ops"].ExpectNoMsg(TimeSpan.FromMilliseconds(700));
        Assert.Equal(DeliveryState.Debounced, Listed(notifier, "s1:8").State);
    }

    [Fact]
    public void A_waiting_notification_whose_session_was_answered_within_the_window_is_not_sent()
    {
        var notifier = Notifier(Settings(debounce: TimeSpan.FromMilliseconds(300)), stillWaiting: _ => Task.FromResult(false));
        notifier.Tell(new NotificationPersisted("s1:8", Raised(NotificationKind.WaitingForInput)));

        channels["ops"].ExpectNoMsg(TimeSpan.FromMilliseconds(800));
        AwaitAssert(() =>
        {
            var record = Listed(notifier, "s1:8");
            Assert.Equal(DeliveryState.Debounced, record.State);
            Assert.Equal("answered within the debounce window", record.LastError);
        }, Wait);
    }

    [Fact]
    public void A_test_notification_reaches_the_named_channel_and_an_unknown_channel_is_named_in_the_answer()
    {
        var notifier = Notifier(Settings());
        notifier.Tell(new SendTestNotification("nope"), TestActor);
        var unknown = ExpectMsg<TestNotificationResult>(Wait);
        Assert.False(unknown.Delivered);
        Assert.Equal("no channel named 'nope'; the channels are: audit, ops, system", unknown.Error);

        notifier.Tell(new SendTestNotification("audit"), TestActor);
        var delivery = Expect("audit");
        Assert.Equal(NotificationKind.Test, delivery.Delivery.Notification.Kind);
        Succeed("audit", delivery);
        var result = ExpectMsg<TestNotificationResult>(Wait);
        Assert.True(result.Delivered);
        Assert.StartsWith("test:", result.Id);
        notifier.Tell(new ListNotifications(null, 100), TestActor);
        Assert.Empty(ExpectMsg<NotificationList>(Wait).Notifications);
    }

    /// <summary>Stands in for a channel's supervisor: hands each delivery to the probe, which answers the notifier.</summary>
    private sealed class ForwardTo : ReceiveActor
    {
        public ForwardTo(IActorRef probe) => ReceiveAny(message => probe.Forward(message));
    }
}
