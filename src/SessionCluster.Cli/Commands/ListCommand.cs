using System.CommandLine;

namespace SessionCluster.Cli.Commands;

/// <summary><c>list</c>: the sessions of the cluster (GET /api/sessions), optionally filtered.</summary>
internal static class ListCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var status = new Option<string[]>("--status", "-s")
        {
            Description = $"Only sessions in these statuses, comma-separated; repeatable ({string.Join(", ", SessionStatuses.All)})",
            HelpName = "s1,s2",
            Arity = ArgumentArity.OneOrMore,
        };
        var agent = new Option<string?>("--agent", "-a") { Description = "Only sessions of this agent", HelpName = "agent" };
        var limit = new Option<int?>("--limit", "-l")
        {
            Description = "At most this many sessions, newest first [default: all]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--limit", 1),
        };

        var chains = new Option<bool>("--chains", "-c")
        {
            Description = "Group sessions by resume chain: each first session, then its resumes indented under it (-> id)",
        };

        var command = new Command("list", "List sessions") { status, agent, limit, chains };
        command.Aliases.Add("ls");

        command.SetBody(globals, context, async (run, ct) =>
        {
            var statuses = SessionStatuses.Parse(run.Parse.GetValue(status) ?? [], "--status");
            using var client = run.CreateClient();
            var sessions = await client.ListAsync(statuses, run.Parse.GetValue(agent), ct, run.Parse.GetValue(limit));
            var grouped = run.Parse.GetValue(chains);
            if (run.Json && grouped)
            {
                // The chains as arrays of ids, first session first; the sessions themselves are in the plain list.
                context.Out.WriteLine(SessionChains.Json(SessionChains.Ids(SessionChains.Group(sessions.Value))));
            }
            else if (run.Json)
            {
                run.WriteJson(sessions);
            }
            else if (sessions.Value.Count == 0)
            {
                context.Out.WriteLine("no sessions");
            }
            else if (grouped)
            {
                SessionView.Table(run.Console, SessionChains.Group(sessions.Value), DateTimeOffset.UtcNow);
            }
            else
            {
                SessionView.Table(run.Console, sessions.Value, DateTimeOffset.UtcNow);
            }

            return ExitCodes.Ok;
        });

        return command;
    }
}
