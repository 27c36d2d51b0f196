using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary><c>show</c>: every field of one session (GET /api/sessions/{id}), a failure's cause and suggestion first.</summary>
internal static class ShowCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var command = new Command("show", "Show one session: a summary of where it stands and what its agent did last, then every field") { id };

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
                SessionSummary.Write(run.Console, session.Value, await EventsTailAsync(client, session.Value.Id, ct));
                SessionView.Detail(run.Console, session.Value, DateTimeOffset.UtcNow);
            }

            return ExitCodes.Ok;
        });

        return command;
    }

    /// <summary>The tail of the session's event log for the summary; null when the node cannot give it (an older node).</summary>
    private static async Task<SessionEventsDto?> EventsTailAsync(ApiClient client, string id, CancellationToken ct)
    {
        try
        {
            return (await client.EventsAsync(id, SessionSummary.Types, since: null, SessionSummary.Tail, ct)).Value;
        }
        catch (CliFailure)
        {
            return null;
        }
    }
}
