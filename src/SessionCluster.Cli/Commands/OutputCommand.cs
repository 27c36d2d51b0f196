using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>output</c>: what a session's agent did, from its event log (GET /api/sessions/{id}/events), one line per event:
/// sequence number, time, type, summary. With <c>--follow</c>, the stored lines and then the live ones
/// (<see cref="OutputFollow"/>) until the session reaches a final status.
/// </summary>
internal static class OutputCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var type = EventTypeOption.Create(
            "Only events of these types, comma-separated; repeatable (text, thinking, tool_use, tool_result, command, "
                + "file_change, plan, question, api_retry, turn_started, turn_completed, error, unknown)");
        var tail = new Option<int?>("--tail", "-n")
        {
            Description = $"Only the last n events (at most {Api.MaxEventsPerPage}) [default: all]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--tail", 1),
        };
        var since = new Option<int?>("--since")
        {
            Description = "Only events numbered after this sequence number",
            HelpName = "seq",
            CustomParser = NumberParsing.WholeNumber("--since", 0),
        };

        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "Keep printing the session's events as they come, until it reaches a final status (completed, failed, killed, interrupted); --json prints one object per line",
        };

        var command = new Command("output", "Show what a session's agent did: its text, tool calls, commands and errors") { id, type, tail, since, follow };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var types = EventTypeOption.Values(run.Parse, type);
            using var client = run.CreateClient();
            if (run.Parse.GetValue(follow))
            {
                return await new OutputFollow(client, context, run.Json).RunAsync(
                    run.Parse.GetValue(id)!, types, run.Parse.GetValue(since), run.Parse.GetValue(tail), ct);
            }

            var log = await Read(client, run.Parse.GetValue(id)!, types, run.Parse.GetValue(since), run.Parse.GetValue(tail), ct);
            if (run.Json)
            {
                context.Out.WriteLine(WireJson.Indent(JsonSerializer.Serialize(log, WireJson.Default.SessionEventsDto)));
            }
            else
            {
                Print(context.Out, log);
            }

            context.Out.Flush();
            return ExitCodes.Ok;
        });

        return command;
    }

    /// <summary>The tail in one request; otherwise every page, each starting after the last one's newest entry.</summary>
    private static async Task<SessionEventsDto> Read(
        ApiClient client, string id, IReadOnlyCollection<string> types, long? since, int? tail, CancellationToken ct)
    {
        if (tail is not null)
        {
            return (await client.EventsAsync(id, types, since, tail, ct)).Value;
        }

        var events = new List<SessionEventDto>();
        SessionEventsDto page;
        do
        {
            page = (await client.EventsAsync(id, types, since, null, ct)).Value;
            events.AddRange(page.Events);
            since = page.Events.Count > 0 ? page.Events[^1].Seq : since;
        }
        while (page.Events.Count >= Api.MaxEventsPerPage);

        return page with { Events = events };
    }

    private static void Print(TextWriter output, SessionEventsDto log)
    {
        if (log.Dropped > 0)
        {
            output.WriteLine($"({log.Dropped.ToString(CultureInfo.InvariantCulture)} older events were dropped: the log keeps the newest)");
        }

        if (log.Events.Count == 0)
        {
            output.WriteLine("no events");
            return;
        }

        var width = log.Events[^1].Seq.ToString(CultureInfo.InvariantCulture).Length;
        foreach (var e in log.Events)
        {
            output.WriteLine(Line(e, width));
        }
    }

    /// <summary>One event's line: its number right-aligned to <paramref name="width"/>, local time, type, summary.</summary>
    internal static string Line(SessionEventDto e, int width) => string.Create(
        CultureInfo.InvariantCulture,
        $"{e.Seq.ToString(CultureInfo.InvariantCulture).PadLeft(width)}  {e.At.ToLocalTime():HH:mm:ss.fff}  {e.Type,-14}  {e.Summary}");
}
