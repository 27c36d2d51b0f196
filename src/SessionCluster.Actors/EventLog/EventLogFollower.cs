using System.Threading.Channels;

namespace SessionCluster.Actors.EventLog;

/// <summary>
/// One live follower of a session's log: the entries committed since it started following, in order, in a bounded
/// buffer the writer fills without waiting. When the follower reads too slowly and the buffer is full, it is
/// dropped: <see cref="Dropped"/> is set, the buffer completes, and no more entries come (the client reconnects
/// with the last sequence number it got and reads the rest from the store).
/// </summary>
public sealed class EventLogFollower : IDisposable
{
    private readonly EventLogFeed feed;
    private readonly IReadOnlySet<string>? types;
    private readonly Channel<EventLogRecord> buffer;
    private readonly TaskCompletionSource overflowed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int dropped;

    internal EventLogFollower(EventLogFeed feed, string sessionId, IReadOnlySet<string>? types, int capacity)
    {
        this.feed = feed;
        this.types = types;
        SessionId = sessionId;
        Capacity = capacity;
        buffer = Channel.CreateBounded<EventLogRecord>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true, // the writer's one task
            FullMode = BoundedChannelFullMode.Wait, // TryWrite says false when full: dropped, never waited on
        });
    }

    public string SessionId { get; }

    public int Capacity { get; }

    /// <summary>The entries, oldest first; completes when the follower is dropped or disposed.</summary>
    public ChannelReader<EventLogRecord> Reader => buffer.Reader;

    /// <summary>True once the buffer overflowed: entries were missed, the follower must start again from the store.</summary>
    public bool Dropped => Volatile.Read(ref dropped) == 1;

    /// <summary>Completes when the follower is dropped (its continuations never run on the writer's task).</summary>
    public Task Overflowed => overflowed.Task;

    /// <summary>Why a dropped follower was dropped, and how its client goes on.</summary>
    public string DropReason =>
        $"more than {Capacity} events waited to be sent to this client (follow-buffer): it reads more slowly than the session " +
        "writes; reconnect with the Last-Event-ID header set to the last id received to go on from there";

    /// <summary>Called on the writer's task; never waits.</summary>
    internal void Offer(EventLogRecord record)
    {
        if (types is not null && !types.Contains(record.Entry.Type))
        {
            return;
        }

        if (!buffer.Writer.TryWrite(record) && Interlocked.Exchange(ref dropped, 1) == 0)
        {
            buffer.Writer.TryComplete();
            feed.Remove(this);
            overflowed.TrySetResult();
        }
    }

    public void Dispose()
    {
        feed.Remove(this);
        buffer.Writer.TryComplete();
    }
}
