using System.Globalization;
using System.Text;
using System.Text.Json;
using SessionCluster.Actors.EventLog;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>
/// GET /api/sessions/{id}/events/stream: a session's event log followed live as server-sent events. Each entry is
/// <c>id: seq</c>, <c>event: type</c>, <c>data: </c>one <see cref="SessionEventDto"/>; first the stored entries after
/// the cursor (<c>since</c>, or the <c>Last-Event-ID</c> header, which wins; <c>tail</c> on a fresh stream), then the
/// live ones from the <see cref="EventLogFeed"/>, deduplicated by sequence number at the seam. It ends with
/// <c>event: end</c> once the session is final and everything written before is sent, or with <c>event: dropped</c>
/// when this client fell more than the follow buffer behind (or the node stops).
/// </summary>
public static class EventStreamEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    private static readonly JsonSerializerOptions OneLine = new(Api.Json) { WriteIndented = false };

    public static void MapEventStreamEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(Api.Sessions + "/{id}/events/stream", Stream);

    /// <summary>The follow's services: the writer (its flush barrier), its feed, the status check and the settings.</summary>
    public static IServiceCollection AddEventStream(
        this IServiceCollection services, EventLogWriter writer, EventLogFeed feed, EventStreamSettings settings) => services
        .AddSingleton(writer)
        .AddSingleton(feed)
        .AddSingleton(settings)
        .AddSingleton<IEventStreamStatusSource, GatewayEventStreamStatus>();

    private static async Task Stream(
        string id,
        HttpContext http,
        IEventLogStore store,
        EventLogWriter writer,
        EventLogFeed feed,
        IEventStreamStatusSource statuses,
        EventStreamSettings settings,
        IHostApplicationLifetime lifetime)
    {
        if (SessionIds.Check(id) is { } unknown)
        {
            await unknown.ExecuteAsync(http);
            return;
        }

        var (query, problem) = Parse(id, http.Request);
        if (problem is not null)
        {
            await problem.ExecuteAsync(http);
            return;
        }

        // Following before the first read: an entry committed meanwhile is in both, and sent once (by its number).
        using var follower = feed.Follow(id, query!.Types, settings.FollowBuffer);
        var status = await statuses.CheckAsync(id);
        if (status.Problem is not null)
        {
            await status.Problem.ExecuteAsync(http);
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var stream = new Follow(http, store, writer, follower, statuses, settings, query, stopping.Token);
        try
        {
            await stream.RunAsync(status);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            await stream.LastAsync(
                Api.StreamDropped,
                JsonSerializer.Serialize(new EventStreamDroppedDto(
                    "the node is stopping; reconnect with the Last-Event-ID header set to the last id received to go on"), OneLine));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>The events query (a 400 naming the parameter as the events route), with Last-Event-ID as the cursor when sent.</summary>
    public static (EventLogQuery? Query, IResult? Problem) Parse(string id, HttpRequest request)
    {
        var (query, problem) = EventLogEndpoints.Parse(id, request.Query);
        if (problem is not null)
        {
            return (null, problem);
        }

        var lastEventId = request.Headers[LastEventIdHeader];
        if (lastEventId.Count == 0)
        {
            return (query, null);
        }

        if (lastEventId.Count > 1)
        {
            return (null, Problems.BadRequest($"{LastEventIdHeader} may be given once"));
        }

        if (!long.TryParse(lastEventId.ToString().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return (null, Problems.BadRequest(
                $"{LastEventIdHeader} must be a sequence number (a whole number, 0 or more), not {FieldText.Quote(lastEventId.ToString())}"));
        }

        // A resume goes on after what the client got: since and tail were for the first connection.
        return (query! with { Since = seq, Tail = null }, null);
    }

    private static string Frame(EventLogRecord e) => string.Create(
        CultureInfo.InvariantCulture,
        $"id: {e.Seq}\nevent: {e.Entry.Type}\ndata: {JsonSerializer.Serialize(EventLogEndpoints.ToDto(e), OneLine)}\n\n");

    /// <summary>One client's stream: what it was sent (<see cref="cursor"/>), and when it last heard from the node.</summary>
    private sealed class Follow(
        HttpContext http,
        IEventLogStore store,
        EventLogWriter writer,
        EventLogFollower follower,
        IEventStreamStatusSource statuses,
        EventStreamSettings settings,
        EventLogQuery query,
        CancellationToken ct)
    {
        private long cursor = query.Since;
        private DateTime nextBeat;

        public async Task RunAsync(EventStreamStatus status)
        {
            await ServerSentEvents.StartAsync(http, ct);
            nextBeat = DateTime.UtcNow + settings.Heartbeat;

            // A write to a client that stopped reading waits on its socket: a dropped follower cancels that wait.
            using var dropped = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _ = follower.Overflowed.ContinueWith(_ => dropped.Cancel(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            try
            {
                await StreamAsync(status, dropped.Token);
            }
            catch (OperationCanceledException) when (follower.Dropped && !ct.IsCancellationRequested)
            {
            }

            if (follower.Dropped)
            {
                await LastAsync(Api.StreamDropped, JsonSerializer.Serialize(new EventStreamDroppedDto(follower.DropReason), OneLine));
            }
        }

        private async Task StreamAsync(EventStreamStatus status, CancellationToken token)
        {
            await SendStoredAsync(query.Tail, token);
            var nextStatus = DateTime.UtcNow + settings.StatusInterval;
            while (true)
            {
                if (follower.Dropped)
                {
                    return;
                }

                if (status.IsFinal)
                {
                    // Everything the agent printed was queued before its session became final: once the writer
                    // committed what it held, the buffer and one last read hold the rest.
                    await writer.FlushedAsync(token);
                    await SendBufferedAsync(token);
                    await SendStoredAsync(null, token);
                    await LastAsync(Api.StreamEnd, JsonSerializer.Serialize(new EventStreamEndDto(status.Status!), OneLine));
                    return;
                }

                await SendBufferedAsync(token);
                var now = DateTime.UtcNow;
                if (now >= nextStatus)
                {
                    var checkedNow = await statuses.CheckAsync(query.SessionId);
                    status = checkedNow.Problem is null ? checkedNow : status; // no answer in time: asked again next second
                    nextStatus = DateTime.UtcNow + settings.StatusInterval;
                    continue;
                }

                if (now >= nextBeat)
                {
                    await WriteAsync(": keep-alive\n\n", token);
                    continue;
                }

                await WaitAsync(Min(nextStatus, nextBeat) - now, token);
            }
        }

        /// <summary>The last event of the stream, within <see cref="EventStreamSettings.LastWriteTimeout"/>; then the response ends (or the connection is closed).</summary>
        public async Task LastAsync(string type, string data)
        {
            using var deadline = new CancellationTokenSource(settings.LastWriteTimeout);
            try
            {
                await WriteAsync($"event: {type}\ndata: {data}\n\n", deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                http.Abort();
            }
        }

        private async Task SendBufferedAsync(CancellationToken token)
        {
            var text = new StringBuilder();
            while (!follower.Dropped && follower.Reader.TryRead(out var e))
            {
                if (e.Seq > cursor)
                {
                    text.Append(Frame(e));
                    cursor = e.Seq;
                }
            }

            if (text.Length > 0)
            {
                await WriteAsync(text.ToString(), token);
            }
        }

        /// <summary>Pages of stored entries after the cursor (the first one the tail, when asked for).</summary>
        private async Task SendStoredAsync(int? tail, CancellationToken token)
        {
            while (true)
            {
                var page = store.Read(query with { Since = cursor, Tail = tail });
                tail = null;
                if (page is null || page.Events.Count == 0)
                {
                    return;
                }

                var text = new StringBuilder();
                foreach (var e in page.Events.Where(e => e.Seq > cursor))
                {
                    text.Append(Frame(e));
                    cursor = e.Seq;
                }

                await WriteAsync(text.ToString(), token);
                if (page.Events.Count < query.Limit)
                {
                    return;
                }
            }
        }

        private async Task WriteAsync(string text, CancellationToken token)
        {
            if (text.Length == 0)
            {
                return;
            }

            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), token);
            await http.Response.Body.FlushAsync(token);
            nextBeat = DateTime.UtcNow + settings.Heartbeat;
        }

        private async Task WaitAsync(TimeSpan wait, CancellationToken token)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            try
            {
                await follower.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                // Time to check the status or send a heartbeat.
            }
        }

        private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    }
}
