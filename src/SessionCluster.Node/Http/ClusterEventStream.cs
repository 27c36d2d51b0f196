using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Microsoft.AspNetCore.Mvc;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>
/// GET /api/cluster/events: this node's view of the cluster followed live as server-sent events, as Petabridge.Cmd's
/// <c>cluster tail</c> shows it. Each is <c>event: </c>its name, <c>data: </c>one <see cref="ClusterMemberEventDto"/>;
/// first the members as they are (snapshot), then each change. No ids: nothing is kept to resume from, a reconnect
/// starts with a fresh snapshot. A client that falls <see cref="Buffer"/> events behind, or a node that stops, ends
/// the stream with <c>event: dropped</c>. The subscription (a <see cref="ClusterEventTap"/>) ends with the request.
/// </summary>
public static class ClusterEventStream
{
    /// <summary>Most events waiting for one client; membership changes are few, so only a client that stopped reading gets there.</summary>
    public const int Buffer = 1024;

    public static async Task RunAsync(
        HttpContext http, ActorSystem system, IHostApplicationLifetime lifetime, [FromServices] EventStreamSettings? streams)
    {
        streams ??= EventStreamSettings.For(Buffer);
        var channel = Channel.CreateBounded<ClusterMemberEventDto>(new BoundedChannelOptions(Buffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the tap then drops this client
        });
        var tap = system.ActorOf(ClusterEventTap.Props(channel.Writer));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await ServerSentEvents.StartAsync(http, stopping.Token);
            var reason = await SendAsync(http, channel.Reader, streams.Heartbeat, stopping.Token);
            await Dropped(http, reason, streams);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            await Dropped(http, Stopping, streams);
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client went away.
        }
        finally
        {
            system.Stop(tap);
        }
    }

    private const string Stopping = "the node is stopping; reconnect to another node, or to this one once it is back";

    /// <summary>Events as they come, a keep-alive when quiet; returns why the events ended (the tap stopped).</summary>
    private static async Task<string> SendAsync(HttpContext http, ChannelReader<ClusterMemberEventDto> reader, TimeSpan heartbeat, CancellationToken ct)
    {
        while (true)
        {
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                quiet.CancelAfter(heartbeat);
                try
                {
                    if (!await reader.WaitToReadAsync(quiet.Token))
                    {
                        return Stopping; // the actor system stopped the tap
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await ServerSentEvents.WriteAsync(http, ServerSentEvents.KeepAlive, ct);
                    continue;
                }
                catch (ClusterEventTap.ChannelFullException full)
                {
                    return full.Message;
                }
            }

            var text = new StringBuilder();
            while (reader.TryRead(out var e))
            {
                text.Append(ServerSentEvents.Frame(e.Event, JsonSerializer.Serialize(e, ServerSentEvents.OneLine)));
            }

            await ServerSentEvents.WriteAsync(http, text.ToString(), ct);
        }
    }

    private static Task Dropped(HttpContext http, string reason, EventStreamSettings streams) => ServerSentEvents.LastAsync(
        http, Api.StreamDropped, JsonSerializer.Serialize(new EventStreamDroppedDto(reason), ServerSentEvents.OneLine), streams.LastWriteTimeout);
}
