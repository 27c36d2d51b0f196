using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Notifications;

/// <summary>
/// The node's notifier: routes each notification its sessions raise to the session's channel, retries with backoff,
/// falls back to the system channel with why, and retries there for ever; nothing is dropped. Two paths bring it a
/// notification: the entity's tell once <see cref="NotificationRaised"/> is persisted (fast), and its own follow of the
/// journal's notification events from the offset its store says is settled (durable: after a crash it finds what was
/// persisted but not delivered). An id met on both paths, or already settled in the store, is delivered once. Each
/// channel is a child under a backoff supervisor, so a broken channel never takes the notifier down.
/// </summary>
public sealed class NotificationDispatcher : ReceiveActor, IWithTimers
{
    public const string Name = "notifier";

    /// <summary>The tag <see cref="NotificationRaised"/> events carry besides the session tag, so the notifier reads only them.</summary>
    public const string Tag = "notification";

    /// <summary>How many settled ids are remembered, to drop a fast-path tell that comes after its journal read.</summary>
    private const int RecentlySettledKept = 10_000;

    /// <summary>Beyond a channel's own timeout, how long an answer may take before the attempt counts as failed (a channel restarting answers nothing).</summary>
    private static readonly TimeSpan AnswerSlack = TimeSpan.FromSeconds(1);

    // A tick of the node's scheduler (500 ms): a state changed since is written at most this late (a crash meanwhile redelivers, by the same id).
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);
    private const int FlushAt = 500;

    private readonly NotificationSettings settings;
    private readonly string? node;
    private readonly INotificationStore store;
    private readonly IEventsByTagQuery? journal;
    private readonly Func<string, Task<bool>> stillWaiting;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelStats> stats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Unsettled> unsettled = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, string> unsettledByOffset = new();
    private readonly HashSet<string> settledBeforeJournal = new(StringComparer.Ordinal);
    private readonly HashSet<string> recentlySettled = new(StringComparer.Ordinal);
    private readonly Queue<string> recentlySettledOrder = new();
    private readonly Dictionary<string, string> heldWaiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NotificationRecord> dirty = new(StringComparer.Ordinal);
    private long journalSeen;
    private long savedOffset;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="journal">The journal's events tagged <see cref="Tag"/>; null for a notifier with the fast path only (tests).</param>
    /// <param name="stillWaiting">Whether a session waits for input now: a held waiting notification is sent only if it still does.</param>
    /// <param name="channelProps">The actor (a supervisor) that delivers to one channel, by name and settings.</param>
    /// <param name="node">This node's name, shown in test notifications.</param>
    public NotificationDispatcher(
        NotificationSettings settings,
        INotificationStore store,
        IEventsByTagQuery? journal,
        Func<string, Task<bool>> stillWaiting,
        Func<string, ChannelSettings, Props> channelProps,
        string? node = null)
    {
        this.node = node;
        this.settings = settings;
        this.store = store;
        this.journal = journal;
        this.stillWaiting = stillWaiting;

        foreach (var (name, channel) in settings.Channels)
        {
            channels[name] = Context.ActorOf(channelProps(name, channel), ActorNameOf(name));
            stats[name] = new ChannelStats();
        }

        Receive<NotificationPersisted>(persisted => Accept(persisted.Id, persisted.Notification, offset: null));
        Receive<EventEnvelope>(FromJournal);
        Receive<JournalEnded>(ended =>
        {
            log.Warning(ended.Failure, "Following the journal's notifications failed; again in 1 s from offset {0}", journalSeen);
            Timers.StartSingleTimer(nameof(FollowJournal), FollowJournal.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<FollowJournal>(_ => Follow());
        Receive<ChannelDelivered>(Delivered);
        Receive<ChannelDeliveryFailed>(failed => Failed(failed.Id, failed.Channel, failed.Attempt, failed.Error));
        Receive<Retry>(retry =>
        {
            if (unsettled.TryGetValue(retry.Id, out var entry) && entry.InFlightUntil is null)
            {
                Send(entry);
            }
        });
        Receive<DebounceDue>(due => stillWaiting(due.SessionId).PipeTo(
            Self,
            success: waiting => new DebounceChecked(due.SessionId, waiting),
            failure: _ => new DebounceChecked(due.SessionId, true)));
        Receive<DebounceChecked>(SendHeld);
        Receive<SweepAnswers>(_ => SweepOverdue());
        Receive<Flush>(_ => FlushRecords());
        Receive<ChannelStartFailed>(failed =>
        {
            // A channel that cannot be built answers nothing while it backs off: its health says why.
            if (stats.TryGetValue(failed.Channel, out var channel))
            {
                channel.LastFailure = DateTimeOffset.UtcNow;
                channel.LastError = failed.Error;
            }
        });
        Receive<GetChannelHealth>(_ => Sender.Tell(Health()));
        Receive<ListNotifications>(list =>
        {
            FlushRecords();
            Sender.Tell(new NotificationList(store.List(list.SessionId, Math.Clamp(list.Limit, 1, 1000))));
        });
        Receive<SendTestNotification>(SendTest);
        Receive<ForgetNotifications>(forget =>
        {
            FlushRecords();
            store.Forget(forget.SessionIds);
        });
    }

    public static Props Props(
        NotificationSettings settings,
        INotificationStore store,
        IEventsByTagQuery? journal,
        Func<string, Task<bool>> stillWaiting,
        Func<string, ChannelSettings, Props> channelProps,
        string? node = null) =>
        Akka.Actor.Props.Create(() => new NotificationDispatcher(settings, store, journal, stillWaiting, channelProps, node));

    /// <summary>Channel names are free text in HOCON; the child's name must be a valid actor name.</summary>
    private static string ActorNameOf(string channel) => "channel-" + Uri.EscapeDataString(channel);

    protected override void PreStart()
    {
        savedOffset = journalSeen = store.LoadOffset();
        Context.System.EventStream.Subscribe(Self, typeof(ChannelStartFailed));
        Timers.StartPeriodicTimer(nameof(SweepAnswers), SweepAnswers.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer(nameof(Flush), Flush.Instance, FlushEvery);
        Follow();
    }

    protected override void PostStop()
    {
        FlushRecords();
        base.PostStop();
    }

    private void Follow()
    {
        if (journal is null)
        {
            return;
        }

        var self = Self;
        journal.EventsByTag(Tag, new Sequence(journalSeen))
            .RunForeach(envelope => self.Tell(envelope), Context.System.Materializer())
            .ContinueWith(task => self.Tell(new JournalEnded(task.Exception?.GetBaseException())), TaskScheduler.Default);
    }

    private void FromJournal(EventEnvelope envelope)
    {
        var offset = ((Sequence)envelope.Offset).Value;
        if (offset <= journalSeen)
        {
            return;
        }

        journalSeen = offset;
        if (envelope.Event is NotificationRaised raised)
        {
            Accept(Notification.IdOf(raised.Notification.SessionId, envelope.SequenceNr), raised.Notification, offset);
        }
    }

    private void Accept(string id, Notification notification, long? offset)
    {
        if (unsettled.TryGetValue(id, out var known))
        {
            if (offset is { } at && known.Offset is null)
            {
                unsettled[id] = known with { Offset = at };
                unsettledByOffset[at] = id;
            }

            return;
        }

        if (offset is not null && settledBeforeJournal.Remove(id))
        {
            return;
        }

        if (recentlySettled.Contains(id) || (offset is not null && store.Settled([id]).Count > 0))
        {
            return;
        }

        var channel = notification.Channel ?? settings.DefaultChannel;
        var entry = new Unsettled(id, notification, DeliveryRules.First(channel), DeliveryState.Pending, 0, null, offset, null, null);
        if (offset is { } journaled)
        {
            unsettledByOffset[journaled] = id;
        }

        unsettled[id] = entry;
        Record(entry);
        if (notification.Kind == NotificationKind.WaitingForInput && settings.DebounceWaiting > TimeSpan.Zero)
        {
            Hold(entry);
            return;
        }

        Send(entry);
    }

    /// <summary>A waiting notification waits out the window; a newer one of the same session replaces it (one notice, not a burst).</summary>
    private void Hold(Unsettled entry)
    {
        var session = entry.Notification.SessionId;
        if (heldWaiting.TryGetValue(session, out var older) && unsettled.TryGetValue(older, out var replaced))
        {
            Settle(replaced, DeliveryState.Debounced, "replaced by a newer waiting-for-input notification within the debounce window");
        }

        heldWaiting[session] = entry.Id;
        if (!Timers.IsTimerActive(DebounceKey(session)))
        {
            Timers.StartSingleTimer(DebounceKey(session), new DebounceDue(session), settings.DebounceWaiting);
        }
    }

    private static string DebounceKey(string session) => "debounce:" + session;

    private void SendHeld(DebounceChecked check)
    {
        if (!heldWaiting.Remove(check.SessionId, out var id) || !unsettled.TryGetValue(id, out var entry))
        {
            return;
        }

        if (check.StillWaiting)
        {
            Send(entry);
        }
        else
        {
            Settle(entry, DeliveryState.Debounced, "answered within the debounce window");
        }
    }

    private void Send(Unsettled entry)
    {
        var attempt = entry.Attempt;
        if (!channels.ContainsKey(attempt.Channel) && attempt.Channel != settings.SystemChannel)
        {
            // A channel named at launch that the configuration no longer has: straight to the system channel, saying so.
            attempt = new DeliveryAttempt(settings.SystemChannel, 1, new FallbackReason(attempt.Channel, $"no channel named '{attempt.Channel}' is configured"));
        }

        var channel = channels[attempt.Channel];
        var timeout = settings.Channels[attempt.Channel].Timeout;
        entry = entry with { Attempt = attempt, InFlightUntil = DateTimeOffset.UtcNow + timeout + AnswerSlack };
        unsettled[entry.Id] = entry;
        channel.Tell(new DeliverToChannel(new NotificationDelivery(entry.Id, entry.Notification, attempt.Attempt, attempt.Fallback)));
    }

    private void Delivered(ChannelDelivered delivered)
    {
        if (stats.TryGetValue(delivered.Channel, out var channel))
        {
            channel.LastSuccess = DateTimeOffset.UtcNow;
            channel.Delivered++;
        }

        if (!unsettled.TryGetValue(delivered.Id, out var entry) || !IsCurrent(entry, delivered.Channel, delivered.Attempt))
        {
            return; // An answer to an attempt already given up (it came after the guard's deadline).
        }

        entry = entry with { Attempts = entry.Attempts + 1 };
        if (entry.TestReplyTo is { } replyTo)
        {
            replyTo.Tell(new TestNotificationResult(delivered.Channel, entry.Id, true, null));
            unsettled.Remove(entry.Id);
            return;
        }

        Settle(entry, DeliveryRules.Delivered(entry.Attempt), entry.LastError);
    }

    private void Failed(string id, string channelName, int attempt, string error)
    {
        if (stats.TryGetValue(channelName, out var channel))
        {
            channel.LastFailure = DateTimeOffset.UtcNow;
            channel.LastError = error;
            channel.Failed++;
        }

        if (!unsettled.TryGetValue(id, out var entry) || !IsCurrent(entry, channelName, attempt))
        {
            return;
        }

        log.Warning("Notification {0} ({1}) to channel {2}, attempt {3}, failed: {4}", id, entry.Notification.Kind.ToWire(), channelName, attempt, error);
        entry = entry with { Attempts = entry.Attempts + 1, LastError = error, InFlightUntil = null };
        if (entry.TestReplyTo is { } replyTo)
        {
            if (attempt >= settings.Retry.Attempts)
            {
                replyTo.Tell(new TestNotificationResult(channelName, id, false, error));
                unsettled.Remove(id);
                return;
            }

            entry = entry with { Attempt = entry.Attempt with { Attempt = attempt + 1 } };
            unsettled[id] = entry;
            Timers.StartSingleTimer("retry:" + id, new Retry(id), DeliveryRules.Backoff(attempt, settings.Retry));
            return;
        }

        var step = DeliveryRules.AfterFailure(entry.Attempt, error, settings.Retry, settings.SystemChannel);
        if (step.Next.IsFallback && !entry.Attempt.IsFallback)
        {
            log.Warning("Notification {0}: channel {1} failed {2} time(s); delivering to the system channel {3}", id, channelName, attempt, settings.SystemChannel);
        }

        entry = entry with { Attempt = step.Next, State = DeliveryState.FailedRetrying };
        unsettled[id] = entry;
        Record(entry);
        if (step.Delay <= TimeSpan.Zero)
        {
            Send(entry);
        }
        else
        {
            Timers.StartSingleTimer("retry:" + id, new Retry(id), step.Delay);
        }
    }

    private static bool IsCurrent(Unsettled entry, string channel, int attempt) =>
        entry.InFlightUntil is not null && entry.Attempt.Channel == channel && entry.Attempt.Attempt == attempt;

    /// <summary>An attempt unanswered past its channel's timeout (the channel is down and restarting) has failed.</summary>
    private void SweepOverdue()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var entry in unsettled.Values.Where(e => e.InFlightUntil < now).ToList())
        {
            var timeout = settings.Channels[entry.Attempt.Channel].Timeout;
            Failed(entry.Id, entry.Attempt.Channel, entry.Attempt.Attempt,
                $"no answer from channel '{entry.Attempt.Channel}' within {timeout.TotalSeconds:0.#}s (it may be restarting)");
        }
    }

    private void Settle(Unsettled entry, DeliveryState state, string? error)
    {
        unsettled.Remove(entry.Id);
        if (entry.Offset is { } offset)
        {
            unsettledByOffset.Remove(offset);
        }
        else if (journal is not null)
        {
            settledBeforeJournal.Add(entry.Id);
        }

        recentlySettled.Add(entry.Id);
        recentlySettledOrder.Enqueue(entry.Id);
        if (recentlySettledOrder.Count > RecentlySettledKept)
        {
            recentlySettled.Remove(recentlySettledOrder.Dequeue());
        }

        Record(entry with { State = state, LastError = error, InFlightUntil = null, DeliveredAt = state == DeliveryState.Debounced ? null : DateTimeOffset.UtcNow });
    }

    private void Record(Unsettled entry)
    {
        var n = entry.Notification;
        dirty[entry.Id] = new NotificationRecord(entry.Id, n.SessionId, n.Kind, entry.Attempt.Channel, entry.State, entry.Attempts, entry.LastError, n.At, entry.DeliveredAt);
        if (dirty.Count >= FlushAt)
        {
            FlushRecords();
        }
    }

    /// <summary>Writes what changed and the offset every notification before it is settled up to.</summary>
    private void FlushRecords()
    {
        var offset = unsettledByOffset.Count == 0 ? journalSeen : unsettledByOffset.First().Key - 1;
        if (dirty.Count == 0 && offset == savedOffset)
        {
            return;
        }

        try
        {
            store.Save(dirty.Values.ToList(), offset != savedOffset ? offset : null);
            dirty.Clear();
            savedOffset = offset;
        }
        catch (Exception e)
        {
            // Kept in memory and written with the next flush; the journal still holds every notification.
            log.Warning(e, "Saving notification delivery states failed; trying again");
        }
    }

    private void SendTest(SendTestNotification test)
    {
        if (!channels.ContainsKey(test.Channel))
        {
            Sender.Tell(new TestNotificationResult(test.Channel, "", false,
                $"no channel named '{test.Channel}'; the channels are: {string.Join(", ", settings.Channels.Keys)}"));
            return;
        }

        var id = "test:" + Guid.NewGuid().ToString("N");
        var notification = NotificationRules.Test(test.Channel, node, DateTimeOffset.UtcNow);
        var entry = new Unsettled(id, notification, DeliveryRules.First(test.Channel), DeliveryState.Pending, 0, null, null, null, null) { TestReplyTo = Sender };
        unsettled[id] = entry;
        Send(entry);
    }

    private ChannelHealthReport Health()
    {
        var pending = unsettled.Values.Where(e => e.TestReplyTo is null).GroupBy(e => e.Attempt.Channel).ToDictionary(g => g.Key, g => g.Count());
        return new ChannelHealthReport(settings.Channels.Select(c =>
        {
            var s = stats[c.Key];
            return new ChannelHealth(c.Key, c.Value.Type, c.Key == settings.SystemChannel, c.Key == settings.DefaultChannel,
                s.LastSuccess, s.LastFailure, s.LastError, pending.GetValueOrDefault(c.Key), s.Delivered, s.Failed);
        }).ToList());
    }

    /// <summary>One notification not yet settled: where its next (or current) attempt goes, and how it went so far.</summary>
    /// <param name="Offset">Its event's journal offset, once the journal read found it.</param>
    /// <param name="InFlightUntil">While an attempt waits for its channel's answer: when it counts as failed.</param>
    private sealed record Unsettled(
        string Id,
        Notification Notification,
        DeliveryAttempt Attempt,
        DeliveryState State,
        int Attempts,
        string? LastError,
        long? Offset,
        DateTimeOffset? InFlightUntil,
        DateTimeOffset? DeliveredAt)
    {
        /// <summary>Set for a test notification: who asked, answered once it is delivered or given up; never stored.</summary>
        public IActorRef? TestReplyTo { get; init; }
    }

    /// <summary>Counters since this notifier started (on this node, as the cluster's singleton), for <c>sessionctl notify channels</c>.</summary>
    private sealed class ChannelStats
    {
        public DateTimeOffset? LastSuccess;
        public DateTimeOffset? LastFailure;
        public string? LastError;
        public long Delivered;
        public long Failed;
    }

    private sealed record Retry(string Id);

    private sealed record DebounceDue(string SessionId);

    private sealed record DebounceChecked(string SessionId, bool StillWaiting);

    private sealed record JournalEnded(Exception? Failure);

    private sealed record FollowJournal
    {
        public static readonly FollowJournal Instance = new();
    }

    private sealed record SweepAnswers
    {
        public static readonly SweepAnswers Instance = new();
    }

    private sealed record Flush
    {
        public static readonly Flush Instance = new();
    }
}
