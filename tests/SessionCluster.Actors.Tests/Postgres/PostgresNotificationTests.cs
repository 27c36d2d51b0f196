using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Actors.Sessions;
using SessionCluster.Actors.Tests.Directory;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Postgres;

/// <summary>
/// The notifier's delivery state in <see cref="PostgresNotificationStore"/> on a real PostgreSQL server, and the journal
/// as the outbox on a real PostgreSQL journal: what sessions persisted is delivered once, and not again after a restart.
/// </summary>
public sealed class PostgresNotificationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static readonly NotificationSettings Settings = NotificationSettings.Default with
    {
        DebounceWaiting = TimeSpan.Zero,
        Channels = ImmutableSortedDictionary<string, ChannelSettings>.Empty.Add("log", new LogChannelSettings()),
    };

    [Fact]
    public async Task The_store_round_trips_records_lists_newest_first_reports_settled_ids_and_forgets_sessions()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        var store = new PostgresNotificationStore(journal.ConnectionString);
        Assert.Equal(0, store.LoadOffset());
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var pending = new NotificationRecord("a:1", "a", NotificationKind.WaitingForInput, "log", DeliveryState.Pending, 0, null, at, null);
        var failed = new NotificationRecord("a:2", "a", NotificationKind.Failed, "log", DeliveryState.FailedRetrying, 2, "timed out", at, null);
        var delivered = new NotificationRecord("b:1", "b", NotificationKind.Killed, "log", DeliveryState.Delivered, 1, null, at.AddSeconds(1), at.AddSeconds(2));
        store.Save([pending, failed, delivered], 12);

        // Another store on the same database reads what the first wrote.
        var again = new PostgresNotificationStore(journal.ConnectionString);
        Assert.Equal(12, again.LoadOffset());
        Assert.Equal([delivered, failed, pending], again.List(null, 10)); // newest first; the same millisecond, the last raised first
        Assert.Equal([failed], again.List("a", 1));
        Assert.Equal(["b:1"], again.Settled(["a:1", "a:2", "b:1", "c:1"]));

        // Saving a record again replaces its delivery, and keeps the offset when none is given.
        var debounced = pending with { State = DeliveryState.Debounced, Attempts = 1 };
        again.Save([debounced], null);
        Assert.Equal(12, store.LoadOffset());
        Assert.Equal(["a:1", "b:1"], store.Settled(["a:1", "a:2", "b:1"]).Order());
        Assert.Equal([failed, debounced], store.List("a", 10));

        // Each follower keeps its own offset.
        var other = new PostgresNotificationStore(journal.ConnectionString, follower: "node-b");
        Assert.Equal(0, other.LoadOffset());
        other.Save([], 40);
        Assert.Equal((12L, 40L), (store.LoadOffset(), other.LoadOffset()));

        store.Forget(["a"]);
        Assert.Equal([delivered], store.List(null, 10));
        Assert.Empty(store.Settled(["a:1"]));
    }

    [Fact]
    public async Task What_was_persisted_while_no_notifier_ran_is_delivered_by_the_next_once_and_not_again_after_a_restart()
    {
        var journal = await PostgresJournal.CreateAsync(postgres.Server);
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "o1", Launch("o1"), Started("o1"), Turn("o1", 0.1m), new SessionCommandEnvelope("o1", new Domain.Kill(At)));

        var channel = kit.CreateTestProbe();
        var notifier = Notifier(kit, journal, channel);
        var first = channel.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        var second = channel.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        Assert.Equal([NotificationKind.WaitingForInput, NotificationKind.Killed], new[] { first.Notification.Kind, second.Notification.Kind });
        Assert.StartsWith("o1:", first.Id);
        channel.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        kit.AwaitAssert(() =>
        {
            notifier.Tell(new ListNotifications("o1", 10), kit.TestActor);
            var listed = kit.ExpectMsg<NotificationList>(Wait).Notifications;
            Assert.Equal(2, listed.Count);
            Assert.All(listed, n => Assert.Equal(DeliveryState.Delivered, n.State));
        }, Wait);
        kit.Watch(notifier);
        kit.Sys.Stop(notifier);
        kit.ExpectTerminated(notifier, Wait);

        // Started again on the same journal and store: every notification is settled, none is delivered twice.
        var again = kit.CreateTestProbe();
        var restarted = Notifier(kit, journal, again);
        JournalWrites.Write(kit, "o2", Launch("o2"), Started("o2"), new SessionCommandEnvelope("o2", new Domain.Kill(At)));
        var after = again.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        Assert.Equal(("o2", NotificationKind.Killed), (after.Notification.SessionId, after.Notification.Kind));
        again.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        restarted.Tell(new ListNotifications(null, 10), kit.TestActor);
        Assert.Equal(3, kit.ExpectMsg<NotificationList>(Wait).Notifications.Count);
    }

    private static IActorRef Notifier(TestKit kit, PostgresJournal journal, TestProbe channel) =>
        kit.Sys.ActorOf(NotificationDispatcher.Props(
            Settings,
            new PostgresNotificationStore(journal.ConnectionString),
            new PostgresTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pollInterval: TimeSpan.FromMilliseconds(100)),
            _ => Task.FromResult(true),
            (_, _) => Props.Create(() => new Answering(channel.Ref))));

    /// <summary>A channel that takes every delivery, telling the probe what it took.</summary>
    private sealed class Answering : ReceiveActor
    {
        public Answering(IActorRef probe) => Receive<DeliverToChannel>(deliver =>
        {
            probe.Tell(deliver);
            Sender.Tell(new ChannelDelivered("log", deliver.Delivery.Id, deliver.Delivery.Attempt));
        });
    }
}
