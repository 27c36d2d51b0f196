using System.Globalization;
using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>output --follow</c>: the session's event stream printed line by line (each flushed), until the node ends it at a
/// final status (exit 0, <c>session &lt;id&gt; &lt;status&gt;</c> on stderr). A <c>dropped</c> event or a broken
/// connection reconnects with Last-Event-ID (the last number printed), so nothing is printed twice or skipped;
/// after <see cref="MaxRetries"/> failed attempts in a row it stops with the reason and how to go on. A node that
/// cannot be reached at the first attempt fails at once, as every verb does.
/// </summary>
internal sealed class OutputFollow(ApiClient client, CliContext context, bool json)
{
    public const int MaxRetries = 5;

    /// <summary>The width sequence numbers are padded to; longer ones just take more room.</summary>
    private const int SeqWidth = 4;

    public async Task<int> RunAsync(string id, IReadOnlyCollection<string> types, long? since, int? tail, CancellationToken ct)
    {
        long? last = null;
        var failures = 0;
        var connected = false;
        while (true)
        {
            string why;
            try
            {
                why = "the node ended the stream before the session ended";
                await foreach (var e in client.EventStreamAsync(id, types, since, tail, last, () => connected = true, ct))
                {
                    if (e.Type == Api.StreamEnd)
                    {
                        var end = Parse(e.Data, WireJson.Default.EventStreamEndDto);
                        context.Out.Flush();
                        context.Error.WriteLine($"session {id} {end.Status}");
                        context.Error.Flush();
                        return ExitCodes.Ok;
                    }

                    if (e.Type == Api.StreamDropped)
                    {
                        why = Parse(e.Data, WireJson.Default.EventStreamDroppedDto).Reason;
                        break;
                    }

                    var entry = Parse(e.Data, WireJson.Default.SessionEventDto);
                    context.Out.WriteLine(json ? e.Data : OutputCommand.Line(entry, SeqWidth));
                    context.Out.Flush();
                    last = entry.Seq;
                    failures = 0;
                }
            }
            catch (EventStreamBroken broken) when (connected)
            {
                why = broken.Message;
            }
            catch (EventStreamBroken broken)
            {
                // Never connected: a wrong URL or a node that is not running, said at once as by every verb.
                throw new CliFailure(ExitCodes.Unreachable, broken.Message);
            }

            if (++failures > MaxRetries)
            {
                var from = last is { } seq ? $" --since {seq.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
                throw new CliFailure(ExitCodes.Unreachable,
                    $"following session {id} failed {MaxRetries} times in a row ({why}); to go on: sessionctl output {id} --follow{from}");
            }

            // 0.25 s, 0.5 s, 1 s, 2 s, 4 s: a restarting node has time to come back.
            await Task.Delay(TimeSpan.FromMilliseconds(250 << (failures - 1)), ct);
        }
    }

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
