using System.Globalization;
using System.Text.Json;
using SessionCluster.Contracts;
using Spectre.Console;

namespace SessionCluster.Cli;

/// <summary>
/// The compact summary <c>show</c> prints on top: where the session stands and what its agent did last, from the
/// session and the tail of its event log.
/// </summary>
internal static class SessionSummary
{
    /// <summary>The event log entries the summary reads: the newest of these types.</summary>
    public static readonly IReadOnlyList<string> Types = ["tool_use", "command", "error", "text"];

    /// <summary>How many of the newest entries are read for it.</summary>
    public const int Tail = 200;

    /// <summary>How much of the agent's last words is shown.</summary>
    public const int SaidChars = 200;

    /// <param name="events">The log's tail (<see cref="Types"/>), or null when the node could not give it.</param>
    public static void Write(IAnsiConsole console, SessionDto s, SessionEventsDto? events)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Line(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
            }
        }

        var waiting = s.WaitingReason is { Length: > 0 } reason && reason != "none" ? $" ({reason})" : string.Empty;
        Line("status", s.Status + waiting + (s.Question is { Length: > 0 } q ? $": {q}" : string.Empty));
        Line("turns", s.TurnsCompleted.ToString(CultureInfo.InvariantCulture));
        Line("responds", $"{s.RespondCount} (auto {s.AutoRespondCount} / {s.MaxAutoResponds})");
        Line(s.CostUsd > 0 ? "cost" : "tokens", s.CostUsd > 0
            ? "$" + s.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)
            : $"{s.Usage.InputTokens} in, {s.Usage.OutputTokens} out");
        if (events is not null)
        {
            Line("last tool", Last(events, "tool_use")?.Summary);
            Line("last command", Last(events, "command")?.Summary);
            Line("last error", Last(events, "error")?.Summary ?? s.Error?.Message);
            Line("said", Said(Last(events, "text")));
        }
        else
        {
            Line("last error", s.Error?.Message);
        }

        console.Write(new Panel(grid).Header($"[bold]{Markup.Escape(s.Id)}[/]").Border(BoxBorder.Rounded));
    }

    private static SessionEventDto? Last(SessionEventsDto events, string type) => events.Events.LastOrDefault(e => e.Type == type);

    /// <summary>The last <see cref="SaidChars"/> characters of the agent's last text (its whole text is in the raw JSON).</summary>
    private static string? Said(SessionEventDto? text)
    {
        if (text is null)
        {
            return null;
        }

        var said = text.Summary;
        try
        {
            using var raw = JsonDocument.Parse(text.Raw);
            foreach (var property in raw.RootElement.EnumerateObject())
            {
                if (property.NameEquals("text") || property.NameEquals("Text"))
                {
                    said = property.Value.GetString() ?? said;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A cut raw (truncated) is not JSON: the summary stands in.
        }

        said = said.ReplaceLineEndings(" ").Trim();
        return said.Length <= SaidChars ? said : "…" + said[^SaidChars..];
    }
}
