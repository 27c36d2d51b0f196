using System.Collections.Concurrent;
using System.Threading.Channels;
using SessionCluster.Agents.EventLog;

namespace SessionCluster.Actors.EventLog;

/// <summary>
/// The node's one event log writer: agents hand it entries without waiting (a bounded queue), and one task numbers
/// them per session (1, 2, 3..., after the last number stored, so a restarted node goes on) and writes them in
/// batches, one transaction per batch, every <see cref="EventLogSettings.FlushInterval"/> or as soon as a full batch waits.
/// </summary>
public sealed class EventLogWriter : IEventLogSink, IAsyncDisposable
{
    /// <summary>Sessions whose last number is remembered; beyond it the numbers are read again (once per session).</summary>
    private const int MaxRememberedSessions = 10_000;

    private readonly IEventLogStore store;
    private readonly EventLogSettings settings;
    private readonly Action<Exception> onFailure;
    private readonly Channel<Pending> queue;
    // Entries that never got a number: the queue was full, or their batch could not be written.
    private readonly ConcurrentDictionary<string, long> lost = new(StringComparer.Ordinal);
    // The writer task's own: the last number given per session.
    private readonly Dictionary<string, long> lastSeq = new(StringComparer.Ordinal);
    private readonly Task loop;

    public EventLogWriter(IEventLogStore store, EventLogSettings settings, Action<Exception> onFailure)
    {
        this.store = store;
        this.settings = settings;
        this.onFailure = onFailure;
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(settings.Capacity)
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
        while (await reader.WaitToReadAsync())
        {
            if (reader.Count < settings.MaxBatch)
            {
                // Let a batch gather; under load a full batch is written at once.
                await Task.Delay(settings.FlushInterval);
            }

            batch.Clear();
            while (batch.Count < settings.MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            Write(batch);
        }
    }

    private void Write(List<Pending> batch)
    {
        var dropped = TakeLost();
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

    private sealed record Pending(string SessionId, string Agent, DateTimeOffset At, EventLogEntry Entry);
}
