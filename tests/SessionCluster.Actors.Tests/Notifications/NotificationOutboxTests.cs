using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Actors.Sessions;
using SessionCluster.Actors.Tests.Directory;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;
using static SessionCluster.Actors.Tests.Sessions.SessionCommands;

namespace SessionCluster.Actors.Tests.Notifications;

/// <summary>
/// The journal is the outbox, on the real SQLite journal and delivery store: what sessions persisted while no notifier
/// ran is delivered by the next one that starts, once; one the entity told and the journal read both found is
/// delivered once; a notifier started again on a settled store delivers nothing twice.
/// </summary>
public sealed class NotificationOutboxTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly SqliteJournal journal = new();

    public void Dispose() => journal.Dispose();

    private static readonly NotificationSettings Settings = NotificationSettings.Default with
    {
        DebounceWaiting = TimeSpan.Zero,
        Channels = ImmutableSortedDictionary<string, ChannelSettings>.Empty.Add("log", new LogChannelSettings()),
    };

    private IActorRef Notifier(TestKit kit, TestProbe channel) =>
        kit.Sys.ActorOf(NotificationDispatcher.Props(
            Settings,
            new SqliteNotificationStore(journal.ConnectionString),
            new SqliteTaggedEvents(journal.ConnectionString, kit.Sys.Serialization, pollInterval: TimeSpan.FromMilliseconds(100)),
            _ => Task.FromResult(true),
            (_, _) => Props.Create(() => new Answering(channel.Ref))));

    [Fact]
    public void What_was_persisted_while_no_notifier_ran_is_delivered_by_the_next_once_and_not_again_after_a_restart()
    {
        using var kit = new TestKit(journal.Config());
        JournalWrites.Write(kit, "o1", Launch("o1"), Started("o1"), Turn("o1", 0.1m), new SessionCommandEnvelope("o1", new Domain.Kill(At)));

        var channel = kit.CreateTestProbe();
        var notifier = Notifier(kit, channel);
        var first = channel.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        var second = channel.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        Assert.Equal(
            [NotificationKind.WaitingForInput, NotificationKind.Killed],
            new[] { first.Notification.Kind, second.Notification.Kind });
        Assert.StartsWith("o1:", first.Id);
        channel.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        kit.AwaitAssert(() =>
        {
            notifier.Tell(new ListNotifications("o1", 10), kit.TestActor);
            Assert.All(kit.ExpectMsg<NotificationList>(Wait).Notifications, n => Assert.Equal(DeliveryState.Delivered, n.State));
        }, Wait);
        kit.Watch(notifier);
        kit.Sys.Stop(notifier);
        kit.ExpectTerminated(notifier, Wait);

        // Started again on the same journal and store: every notification is settled, none is delivered twice.
        var again = kit.CreateTestProbe();
        var restarted = Notifier(kit, again);
        JournalWrites.Write(kit, "o2", Launch("o2"), Started("o2"), new SessionCommandEnvelope("o2", new Domain.Kill(At)));
        var after = again.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        Assert.Equal(("o2", NotificationKind.Killed), (after.Notification.SessionId, after.Notification.Kind));
        again.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        restarted.Tell(new ListNotifications(null, 10), kit.TestActor);
        Assert.Equal(3, kit.ExpectMsg<NotificationList>(Wait).Notifications.Count);
    }

    [Fact]
    public void A_notification_the_entity_tells_and_the_journal_read_finds_is_delivered_once()
    {
        using var kit = new TestKit(journal.Config());
        var channel = kit.CreateTestProbe();
        var notifier = Notifier(kit, channel);
        var entity = kit.Sys.ActorOf(SessionEntity.Props("o3", kit.CreateTestProbe().Ref, ActorRefs.Nobody, SessionEntitySettings.Default, notifier: notifier));
        foreach (var command in new[] { Launch("o3"), Started("o3"), new SessionCommandEnvelope("o3", new Domain.Kill(At)) })
        {
            entity.Tell(command, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }

        var delivered = channel.ExpectMsg<DeliverToChannel>(Wait).Delivery;
        Assert.Equal(NotificationKind.Killed, delivered.Notification.Kind);
        // The journal read comes by within its 100 ms poll, finds the same id, and delivers nothing more.
        channel.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

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
