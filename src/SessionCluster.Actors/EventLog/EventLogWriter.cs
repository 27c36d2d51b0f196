using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Actors.EventLog;

/// <summary>
/// The node's one event log writer: agents hand it entries without waiting (a bounded queue), and one task numbers
/// them per session (1, 2, 3..., after the last number stored, so a restarted node goes on) and writes them in
/// batches, one transaction per batch, then hands what it committed to the live followers (<see cref="EventLogFeed"/>).
/// </summary>
/// <remarks>
/// When a batch is written: an entry reaching a writer that wrote nothing for <see cref="EventLogSettings.FlushInterval"/>
/// is written at once (a follower sees it within a millisecond or two, not after a fixed gathering delay). After a
/// write, the next one waits until the interval has passed since it, so under load the entries arriving meanwhile
/// gather into one batch: at most one transaction per interval (200 a second at the default 5 ms), never one per
/// event, and as soon as <see cref="EventLogSettings.MaxBatch"/> entries wait they are written without waiting.
/// <see cref="FlushedAsync"/> is a barrier in the queue: it completes once everything queued before it is committed.
/// </remarks>
public sealed class EventLogWriter : IEventLogSink, IAsyncDisposable
{
    /// <summary>Sessions whose last number is remembered; beyond it the numbers are read again (once per session).</summary>
    private const int MaxRememberedSessions = 10_000;

    private readonly IEventLogStore store;
    private readonly EventLogSettings settings;
    private readonly Action<Exception> onFailure;
    private readonly EventLogFeed? feed;
    private readonly Channel<Queued> queue;
    // Entries that never got a number: the queue was full, or their batch could not be written.
    private readonly ConcurrentDictionary<string, long> lost = new(StringComparer.Ordinal);
    // The writer task's own: the last number given per session.
    private readonly Dictionary<string, long> lastSeq = new(StringComparer.Ordinal);
    private readonly Task loop;

    /// <param name="feed">Where committed entries go to live followers; null: nobody follows.</param>
    public EventLogWriter(IEventLogStore store, EventLogSettings settings, Action<Exception> onFailure, EventLogFeed? feed = null)
    {
        this.store = store;
        this.feed = feed;
        this.settings = settings;
        this.onFailure = onFailure;
        queue = Channel.CreateBounded<Queued>(new BoundedChannelOptions(settings.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite says false when full: counted, never waited on
        });
        loop = Task.Run(RunAsync);
    }

    public void Append(string sessionId, string agent, EventLogEntry entry, DateTimeOffset at)
    {
        if (!queue.Writer.TryWrite(new Pending(sessionId, agent, at, entry)))
        {
            Lose(sessionId, 1);
        }
    }

    /// <summary>
    /// Completes once every entry queued before this call is committed (or counted as dropped) and handed to the
    /// followers. Waits for room in a full queue (the caller is a follower, never an agent).
    /// </summary>
    public async Task FlushedAsync(CancellationToken ct = default)
    {
        var barrier = new Barrier(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await queue.Writer.WriteAsync(barrier, ct);
        }
        catch (ChannelClosedException)
        {
            // Stopping: the loop writes what is queued, then ends.
            await loop.WaitAsync(ct);
            return;
        }

        await barrier.Done.Task.WaitAsync(ct);
    }

    /// <summary>Writes what is queued, then stops taking entries.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<Pending>(settings.MaxBatch);
        var barriers = new List<Barrier>();
        long? lastWrite = null;
        while (await reader.WaitToReadAsync())
        {
            if (lastWrite is { } last && reader.Count < settings.MaxBatch
                && settings.FlushInterval - Stopwatch.GetElapsedTime(last) is { Ticks: > 0 } wait)
            {
                // Busy: let the next batch gather until the interval since the last write has passed.
                await Task.Delay(wait);
            }

            batch.Clear();
            barriers.Clear();
            while (batch.Count < settings.MaxBatch && reader.TryRead(out var queued))
            {
                switch (queued)
                {
                    case Pending pending:
                        batch.Add(pending);
                        break;
                    case Barrier barrier:
                        barriers.Add(barrier);
                        break;
                }
            }

            if (batch.Count > 0)
            {
                lastWrite = Stopwatch.GetTimestamp();
                Write(batch);
            }

            foreach (var barrier in barriers)
            {
                barrier.Done.TrySetResult();
            }
        }
    }

    private void Write(List<Pending> batch)
    {
        var dropped = TakeLost();
        IReadOnlyList<EventLogRecord>? committed = null;
        try
        {
            if (lastSeq.Count > MaxRememberedSessions)
            {
                lastSeq.Clear();
            }

            var records = new List<EventLogRecord>(batch.Count);
            foreach (var pending in batch)
            {
                if (!lastSeq.TryGetValue(pending.SessionId, out var seq))
                {
                    seq = store.Head(pending.SessionId)?.LastSeq ?? 0;
                }

                lastSeq[pending.SessionId] = ++seq;
                records.Add(new EventLogRecord(pending.SessionId, seq, pending.At, pending.Entry) { Agent = pending.Agent });
            }

            store.Append(records, dropped, settings.MaxEventsPerSession);
            committed = records;
        }
        catch (Exception ex)
        {
            // Not written: counted as dropped (written with a later batch), and the numbers are read again.
            onFailure(ex);
            lastSeq.Clear();
            foreach (var (sessionId, count) in dropped)
            {
                Lose(sessionId, count);
            }

            foreach (var pending in batch)
            {
                Lose(pending.SessionId, 1);
            }
        }

        if (committed is not null)
        {
            feed?.Publish(committed);
        }
    }

    private Dictionary<string, long> TakeLost()
    {
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sessionId in lost.Keys)
        {
            if (lost.TryRemove(sessionId, out var count))
            {
                taken[sessionId] = count;
            }
        }

        return taken;
    }

    private void Lose(string sessionId, long count) => lost.AddOrUpdate(sessionId, count, (_, n) => n + count);

    private abstract record Queued;

    private sealed record Pending(string SessionId, string Agent, DateTimeOffset At, EventLogEntry Entry) : Queued;

    private sealed record Barrier(TaskCompletionSource Done) : Queued;
}
