using System.Globalization;
using SessionCluster.Contracts;
using Spectre.Console;

namespace SessionCluster.Cli;

/// <summary>
/// What a session waiting for a person asks (a permission request or a question) and the exact sessionctl
/// lines that answer it, so the reader can copy one and go on.
/// </summary>
public static class WaitingView
{
    public const string PermissionReason = "permission";
    public const string QuestionReason = "question";

    /// <summary>Writes the request and its answer lines; nothing when the session does not wait on a person's answer.</summary>
    public static void Write(IAnsiConsole console, SessionDto s, DateTimeOffset now)
    {
        if (s.Status != SessionStatuses.WaitingForInput)
        {
            return;
        }

        var id = ShellWord(s.Id);
        if (s.WaitingReason == PermissionReason)
        {
            if (s.PendingPermission is { } request)
            {
                var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
                grid.AddRow(Bold("tool"), new Text(request.Tool));
                grid.AddRow(Bold("asks"), new Text(request.Summary));
                grid.AddRow(Bold("asked"), new Text($"{SessionView.Time(request.RequestedAt)} ({SessionView.Ago(request.RequestedAt, now)})"));
                grid.AddRow(Bold("expires"), new Text(
                    $"{SessionView.Time(request.ExpiresAt)} ({Until(request.ExpiresAt, now)}): denied if nobody answers",
                    new Style(Color.Yellow)));
                console.Write(new Panel(grid).Header("[yellow bold]waiting for permission[/]").Border(BoxBorder.Rounded).BorderColor(Color.Yellow));
                foreach (var queued in s.QueuedPermissions ?? [])
                {
                    console.WriteLine($"then: {queued.Tool}: {queued.Summary} (asked {SessionView.Ago(queued.RequestedAt, now)})");
                }
            }
            else
            {
                console.WriteLine("waiting for permission");
            }

            Answers(console,
                $"sessionctl approve {id}",
                $"sessionctl approve {id} --remember    # and the same kind of request for the rest of the session",
                $"sessionctl deny {id} --message \"...\"");
        }
        else if (s.WaitingReason == QuestionReason)
        {
            var question = string.IsNullOrWhiteSpace(s.Question) ? "(the question text was not recorded)" : s.Question.Trim();
            console.Write(new Panel(new Text(question)).Header("[yellow bold]the agent asks[/]").Border(BoxBorder.Rounded).BorderColor(Color.Yellow));
            Answers(console, $"sessionctl respond {id} \"...\"");
        }
    }

    private static void Answers(IAnsiConsole console, params string[] lines)
    {
        console.WriteLine("answer with:");
        foreach (var line in lines)
        {
            console.WriteLine("  " + line);
        }
    }

    private static Text Bold(string text) => new(text, new Style(decoration: Decoration.Bold));

    /// <summary>A word the shell passes on unchanged: as it is when that is safe, else in single quotes.</summary>
    internal static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_.:@%+=,/".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>How long until <paramref name="at"/>, in the units of <see cref="SessionView.Ago"/>.</summary>
    internal static string Until(DateTimeOffset at, DateTimeOffset now)
    {
        var left = at - now;
        return left.TotalSeconds switch
        {
            < 1 => "due now",
            < 60 => $"in {(int)left.TotalSeconds}s",
            < 3600 => $"in {(int)left.TotalMinutes}m",
            < 86400 => $"in {(int)left.TotalHours}h",
            _ => "in " + ((int)left.TotalDays).ToString(CultureInfo.InvariantCulture) + "d",
        };
    }
}
