using System.Globalization;
using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>cluster tail</c>: the node's member events (GET /api/cluster/events) printed as they come, one line each in
/// Petabridge.Cmd's style (<c>[12:01:02] MemberUp akka.ssl.tcp://sessioncluster@host:port roles: ...</c>), or the
/// event's JSON with --json; first the members as they are, then each change. It runs until Ctrl+C (exit 0). The node
/// ending the stream, going away or falling silent is an error (exit 3): unlike <c>output --follow</c> it does not
/// reconnect, since a new stream starts with a new snapshot and would hide what was missed.
/// </summary>
internal sealed class ClusterTail(ApiClient client, CliContext context, bool json)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var connected = false;
        string why;
        try
        {
            why = $"the node at {client.BaseUrlText} ended the stream";
            await foreach (var e in client.ServerSentEventsAsync(Api.ClusterEvents, null, () => connected = true, ct))
            {
                if (e.Type == Api.StreamDropped)
                {
                    why = Parse(e.Data, WireJson.Default.EventStreamDroppedDto).Reason;
                    break;
                }

                var member = Parse(e.Data, WireJson.Default.ClusterMemberEventDto);
                context.Out.WriteLine(json ? e.Data : Line(member));
                context.Out.Flush();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: the one way a tail is meant to end.
            context.Out.Flush();
            return ExitCodes.Ok;
        }
        catch (EventStreamBroken broken) when (connected)
        {
            why = broken.Message;
        }
        catch (EventStreamBroken broken)
        {
            throw new CliFailure(ExitCodes.Unreachable, broken.Message);
        }

        throw new CliFailure(ExitCodes.Unreachable, $"stopped following the cluster's events: {why}");
    }

    /// <summary>
    /// pbm's line for an event: its time (this machine's clock zone), its name in PascalCase, the member's address
    /// and roles (the new leader for LeaderChanged); snapshot lines say so, since they report a state, not a change.
    /// </summary>
    public static string Line(ClusterMemberEventDto e)
    {
        var time = e.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var name = PascalCase(e.Event);
        var current = e.Snapshot ? " (current)" : string.Empty;
        if (e.Event == "leader-changed")
        {
            return $"[{time}] {name} {e.Address ?? "none"}{current}";
        }

        var roles = e.Roles.Count == 0 ? "-" : string.Join(", ", e.Roles);
        return $"[{time}] {name} {e.Address} roles: {roles} status: {e.Status ?? "-"}{current}";
    }

    /// <summary><c>member-up</c> as pbm names it: <c>MemberUp</c>.</summary>
    public static string PascalCase(string name) => string.Concat(
        name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static T Parse<T>(string data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(data, type) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw new CliFailure(ExitCodes.ApiError, $"the node sent an event sessionctl cannot read: {ApiClient.FirstLine(data)}");
        }
    }
}
