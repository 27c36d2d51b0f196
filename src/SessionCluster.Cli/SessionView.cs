using System.Globalization;
using SessionCluster.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SessionCluster.Cli;

/// <summary>Sessions as people read them: a table of many, or every field of one with its failure up front.</summary>
public static class SessionView
{
    public static void Table(IAnsiConsole console, IReadOnlyList<SessionDto> sessions, DateTimeOffset now) =>
        Table(console, sessions.Select(s => new SessionChains.Entry(s, 0)).ToList(), now);

    /// <summary>The table with the sessions in chains (<see cref="SessionChains.Group"/>): resumes indented under the session they continue.</summary>
    public static void Table(IAnsiConsole console, IReadOnlyList<SessionChains.Entry> entries, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumn("NAME");
        table.AddColumn("AGENT");
        table.AddColumn("STATUS");
        table.AddColumn(new TableColumn("TURNS").RightAligned());
        table.AddColumn(new TableColumn("RESPONDS").RightAligned());
        table.AddColumn(new TableColumn("COST").RightAligned());
        table.AddColumn("NODE");
        table.AddColumn("UPDATED");

        foreach (var entry in entries)
        {
            var s = entry.Session;
            table.AddRow(
                new Text(SessionChains.Label(entry)),
                new Text(s.Name),
                new Text(s.Agent),
                Status(s),
                new Text(s.TurnsCompleted.ToString(CultureInfo.InvariantCulture)),
                new Text(Responds(s)),
                new Text(Cost(s) ?? "-"),
                new Text(s.NodeName ?? s.Node ?? "-"),
                new Text(Ago(s.UpdatedAt, now)));
        }

        console.Write(table);
    }

    /// <summary>How many permission decisions <see cref="Detail"/> lists (the session keeps more).</summary>
    public const int ShownPermissionDecisions = 5;

    public static void Detail(IAnsiConsole console, SessionDto s, DateTimeOffset now)
    {
        if (s.Error is { } error)
        {
            console.Write(ErrorPanel(error));
        }

        WaitingView.Write(console, s, now);
        Notices(console, s, now);

        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, IRenderable value) => grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), value);
        void Line(string name, string? value) => Row(name, new Text(string.IsNullOrEmpty(value) ? "-" : value));

        Line("id", s.Id);
        Line("name", s.Name);
        Line("agent", s.Agent);
        Line("model", s.Model);
        Row("status", Status(s));
        Line("multi-turn", s.MultiTurn ? "yes" : "no");
        Line("permission mode", s.PermissionMode);
        Line("permissions", $"{s.PermissionsAllowed} allowed, {s.PermissionsDenied} denied");
        Line("workdir", s.Workdir);
        Line("turns", s.TurnsCompleted.ToString(CultureInfo.InvariantCulture));
        Line("responds", $"{s.RespondCount} ({s.AutoRespondCount} auto of at most {s.MaxAutoResponds})");
        Line("cost", Cost(s) ?? "not reported by the agent (see tokens)");
        Line("tokens", $"{s.Usage.InputTokens} in, {s.Usage.OutputTokens} out, " +
                       $"{s.Usage.CacheReadInputTokens} cache read, {s.Usage.CacheCreationInputTokens} cache write");
        Line("agent session", s.AgentSessionId);
        Line("resumed from", s.ResumedFromId);
        Line("resumed as", string.Join(", ", s.ResumedAs ?? []));
        Line("auto-resume", s.AutoResume ? "yes: resumed on another node if this one is lost" : "no");
        // Null from a node before chains; a session that resumed nothing has no chain to show.
        Line("chain", s.ResumeChain is { Count: > 1 } chain ? SessionChains.Line(chain) : null);
        Line("node", NodeLine(s));
        Line("stop reason", s.StopReason);
        Line("pid", s.Pid?.ToString(CultureInfo.InvariantCulture));
        Line("processes", s.ProcessCount.ToString(CultureInfo.InvariantCulture));
        Line("last exit code", s.LastExitCode?.ToString(CultureInfo.InvariantCulture));
        Line("last signal", s.LastSignal?.ToString(CultureInfo.InvariantCulture));
        Line("env", string.Join(", ", s.EnvNames));
        Line("created", Time(s.CreatedAt));
        Line("updated", Time(s.UpdatedAt));
        Line("finished", s.FinishedAt is { } finished ? Time(finished) : null);
        Row("prompt", new Text(s.Prompt));

        console.Write(new Panel(grid).Header($"session {Markup.Escape(s.Id)}").Border(BoxBorder.Rounded));
        RecentPermissions(console, s, now);

        if (s.Error is { } tails)
        {
            Tail(console, "stderr (last lines)", tails.StderrTail);
            Tail(console, "output (last lines)", tails.OutputTail);
        }
    }

    /// <summary>
    /// The node that runs (ran) its process: its Akka address, then its name and id ("akka.tcp://sessioncluster@h:4053
    /// (node1, id 3f2a)"); a node before addresses were recorded sends its name as the node.
    /// </summary>
    public static string? NodeLine(SessionDto s)
    {
        var also = new[] { s.NodeName is { Length: > 0 } name && name != s.Node ? name : null, s.NodeId is null ? null : $"id {s.NodeId}" }
            .OfType<string>()
            .ToList();
        return s.Node is null ? null : also.Count == 0 ? s.Node : $"{s.Node} ({string.Join(", ", also)})";
    }

    /// <summary>What the session says about its last turn and the model API, one line each.</summary>
    private static void Notices(IAnsiConsole console, SessionDto s, DateTimeOffset now)
    {
        var warning = new Style(Color.Yellow, decoration: Decoration.Bold);
        if (s.LastTurnDenials > 0)
        {
            var uses = s.LastTurnDenials == 1 ? "tool use" : "tool uses";
            console.Write(new Text($"! the agent was refused {s.LastTurnDenials} {uses} in its last turn\n", warning));
        }

        if (s.ApiRetry is { } retry)
        {
            console.Write(new Text(
                $"! model API retrying (attempt {retry.Attempt}): {SessionCtl.OneLine(retry.Message)} (since {Ago(retry.Since, now)})\n", warning));
        }
    }

    /// <summary>The last permission decisions, oldest first, as the session keeps them.</summary>
    private static void RecentPermissions(IAnsiConsole console, SessionDto s, DateTimeOffset now)
    {
        // Null when a node from before permission requests leaves the field out (init-only defaults are lost on reading).
        var recent = s.RecentPermissions ?? [];
        if (recent.Count == 0)
        {
            return;
        }

        var shown = recent.Skip(Math.Max(0, recent.Count - ShownPermissionDecisions)).ToList();
        var total = s.PermissionsAllowed + s.PermissionsDenied;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"permission decisions (last {shown.Count} of {Math.Max(total, recent.Count)})");
        table.AddColumn(new TableColumn("WHEN").NoWrap());
        table.AddColumn("TOOL");
        table.AddColumn("SUMMARY");
        table.AddColumn("DECISION");
        table.AddColumn("BY");
        table.AddColumn("MESSAGE");
        foreach (var d in shown)
        {
            table.AddRow(
                new Text(Ago(d.DecidedAt, now)),
                new Text(d.Tool),
                new Text(d.Summary),
                new Text(d.Decision, d.Decision == Api.Deny ? new Style(Color.Red) : new Style(Color.Green)),
                new Text(d.By),
                new Text(string.IsNullOrEmpty(d.Message) ? "-" : d.Message));
        }

        console.Write(table);
    }

    /// <summary>The status word, coloured, with why it waits when it waits.</summary>
    public static IRenderable Status(SessionDto s)
    {
        var text = s.Status == SessionStatuses.WaitingForInput && !string.IsNullOrEmpty(s.WaitingReason) && s.WaitingReason != "none"
            ? $"{s.Status} ({s.WaitingReason})"
            : s.Status;
        return new Text(text, StatusStyle(s.Status));
    }

    private static Style StatusStyle(string status) => status switch
    {
        SessionStatuses.Starting => new Style(Color.Grey),
        SessionStatuses.Running => new Style(Color.Green),
        SessionStatuses.WaitingForInput => new Style(Color.Yellow, decoration: Decoration.Bold),
        SessionStatuses.Completed => new Style(Color.Blue),
        SessionStatuses.Failed => new Style(Color.Red, decoration: Decoration.Bold),
        SessionStatuses.Killed or SessionStatuses.Interrupted => new Style(Color.Orange1),
        _ => Style.Plain,
    };

    private static Panel ErrorPanel(ErrorContextDto error)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        grid.AddRow(new Text("error", new Style(Color.Red, decoration: Decoration.Bold)), new Text(error.Message));
        grid.AddRow(new Text("suggestion", new Style(Color.Yellow, decoration: Decoration.Bold)),
            new Text(error.Suggestion, new Style(Color.Yellow, decoration: Decoration.Bold)));
        if (error.ExitCode is { } exitCode)
        {
            grid.AddRow(new Text("exit code"), new Text(exitCode.ToString(CultureInfo.InvariantCulture)));
        }

        if (error.Signal is { } signal)
        {
            grid.AddRow(new Text("signal"), new Text(signal.ToString(CultureInfo.InvariantCulture)));
        }

        return new Panel(grid)
            .Header($"[red bold]failed: {Markup.Escape(error.Kind)}[/]")
            .Border(BoxBorder.Heavy)
            .BorderColor(Color.Red)
            ;
    }

    private static void Tail(IAnsiConsole console, string title, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        console.Write(new Panel(new Text(text.TrimEnd())).Header(title).Border(BoxBorder.Rounded));
    }

    private static string Responds(SessionDto s) =>
        s.AutoRespondCount > 0 ? $"{s.RespondCount} ({s.AutoRespondCount} auto)" : s.RespondCount.ToString(CultureInfo.InvariantCulture);

    /// <summary>The session's USD cost; null when its agent used tokens but reports no cost (codex).</summary>
    private static string? Cost(SessionDto s) =>
        s.CostUsd == 0 && s.Usage.InputTokens + s.Usage.OutputTokens > 0 ? null : "$" + s.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture);

    internal static string Time(DateTimeOffset at) =>
        at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    internal static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        if (at == default)
        {
            return "-";
        }

        return age.TotalSeconds switch
        {
            < 1 => "just now",
            < 60 => $"{(int)age.TotalSeconds}s ago",
            < 3600 => $"{(int)age.TotalMinutes}m ago",
            < 86400 => $"{(int)age.TotalHours}h ago",
            _ => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        };
    }
}
