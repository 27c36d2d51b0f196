using System.CommandLine;

namespace SessionCluster.Cli.Commands;

/// <summary><c>show</c>: every field of one session (GET /api/sessions/{id}), a failure's cause and suggestion first.</summary>
internal static class ShowCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var command = new Command("show", "Show one session in full, with the cause and fix of a failure") { id };

        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var session = await client.GetAsync(run.Parse.GetValue(id)!, ct);
            if (run.Json)
            {
                run.WriteJson(session);
            }
            else
            {
                SessionView.Detail(run.Console, session.Value, DateTimeOffset.UtcNow);
            }

            return ExitCodes.Ok;
        });

        return command;
    }
}
