using System.CommandLine;
using SessionCluster.Contracts;
using Spectre.Console;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>prune</c>: remove finished sessions now, as the node's background retention does (POST /api/sessions/prune):
/// journal, snapshots, event log and agent home. Never a live session, never a chain with a live session in it.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var olderThan = new Option<string?>("--older-than")
        {
            Description = "Finished chains older than this (7d, 12h, 30m, 0s) [default: the node's sessioncluster.retention.max-age]",
            HelpName = "age",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (RetentionAge.Parse(text) is null)
                {
                    result.AddError($"--older-than expects {RetentionAge.Accepted}, got '{text}'");
                }

                return text;
            },
        };
        var keep = new Option<int?>("--keep")
        {
            Description = "Keep at most this many finished sessions [default: the node's sessioncluster.retention.max-finished-sessions]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--keep", 0),
        };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only show what would be removed" };

        var command = new Command("prune", "Remove finished sessions: older than an age, or beyond a count") { olderThan, keep, dryRun };

        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var report = await client.PruneAsync(
                new PruneRequest { OlderThan = run.Parse.GetValue(olderThan), Keep = run.Parse.GetValue(keep), DryRun = run.Parse.GetValue(dryRun) }, ct);
            if (run.Json)
            {
                run.WriteJson(report);
                return ExitCodes.Ok;
            }

            Print(run.Console, report.Value, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        });

        return command;
    }

    private static void Print(IAnsiConsole console, PruneDto report, DateTimeOffset now)
    {
        if (report.Pruned.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn(new TableColumn("ID").NoWrap());
            table.AddColumn("NAME");
            table.AddColumn("AGENT");
            table.AddColumn("STATUS");
            table.AddColumn("FINISHED");
            table.AddColumn("WHY");
            foreach (var s in report.Pruned)
            {
                table.AddRow(
                    new Text(s.Id), new Text(s.Name), new Text(s.Agent), new Text(s.Status),
                    new Text(s.FinishedAt is { } at ? SessionView.Ago(at, now) : "-"), new Text(s.Reason));
            }

            console.Write(table);
        }

        foreach (var refused in report.Refused)
        {
            console.Write(new Text($"kept {refused.Id}: {refused.Reason}\n"));
        }

        var verb = report.DryRun ? "would be pruned" : "pruned";
        console.Write(new Text($"{report.Pruned.Count} session(s) {verb} (finished chains older than {report.OlderThan}, or beyond the newest {report.Keep} finished sessions)\n"));
    }
}
