using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary><c>respond</c>: answers a session that waits for input (POST /api/sessions/{id}/respond).</summary>
internal static class RespondCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var message = new Argument<string[]>("message")
        {
            Description = "The answer; several words are joined by spaces",
            Arity = ArgumentArity.OneOrMore,
        };
        var auto = new Option<bool>("--auto") { Description = "Mark the answer as automatic (counts against max-auto-responds)" };
        var command = new Command("respond", "Answer a session that is waiting for input") { id, message, auto };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var text = string.Join(' ', run.Parse.GetValue(message) ?? []);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw CliFailure.Usage("the message is empty");
            }

            using var client = run.CreateClient();
            var session = await client.RespondAsync(
                run.Parse.GetValue(id)!, new RespondRequest { Message = text, Auto = run.Parse.GetValue(auto) }, ct);
            run.ShowSession(session);
            return ExitCodes.Ok;
        });

        return command;
    }
}
