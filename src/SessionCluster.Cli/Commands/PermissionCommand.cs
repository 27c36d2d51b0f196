using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>approve</c> and <c>deny</c>: answer the permission request a session waits on (POST /api/sessions/{id}/permission)
/// and print the session. Nothing pending is the node's 409, printed as its reason.
/// </summary>
internal static class PermissionCommand
{
    public static Command Approve(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var remember = new Option<bool>("--remember")
        {
            Description = "Allow the same kind of request for the rest of the session, where the agent can",
        };
        var command = new Command("approve", "Allow what a session waiting for permission asks to do") { id, remember };
        command.SetBody(globals, context, (run, ct) => AnswerAsync(
            run, run.Parse.GetValue(id)!, new PermissionAnswerRequest { Decision = Api.Allow, Remember = run.Parse.GetValue(remember) }, ct));
        return command;
    }

    public static Command Deny(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var message = new Option<string?>("--message", "-m")
        {
            Description = "Why, passed on to the agent so it can do something else",
            HelpName = "text",
        };
        var command = new Command("deny", "Refuse what a session waiting for permission asks to do") { id, message };
        command.SetBody(globals, context, (run, ct) =>
        {
            var why = run.Parse.GetValue(message);
            return AnswerAsync(
                run, run.Parse.GetValue(id)!,
                new PermissionAnswerRequest { Decision = Api.Deny, Message = string.IsNullOrWhiteSpace(why) ? null : why },
                ct);
        });
        return command;
    }

    private static async Task<int> AnswerAsync(VerbRun run, string id, PermissionAnswerRequest answer, CancellationToken ct)
    {
        using var client = run.CreateClient();
        run.ShowSession(await client.AnswerPermissionAsync(id, answer, ct));
        return ExitCodes.Ok;
    }
}
