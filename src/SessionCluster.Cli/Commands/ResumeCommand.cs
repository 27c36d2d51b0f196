using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary><c>resume</c>: continues an ended session as a new one (POST /api/sessions/{id}/resume) and prints the new session.</summary>
internal static class ResumeCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var prompt = new Argument<string[]>("prompt")
        {
            Description = "What to tell the agent on resuming (optional); several words are joined by spaces",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the new session's id" };
        var command = new Command("resume", "Resume a session as a new session; prints the new id on the first line")
        {
            id, prompt, quiet,
        };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var words = run.Parse.GetValue(prompt) ?? [];
            var request = new ResumeRequest { Prompt = words.Length == 0 ? null : string.Join(' ', words) };
            using var client = run.CreateClient();
            var resumed = await client.ResumeAsync(run.Parse.GetValue(id)!, request, ct);
            run.ShowNewSession(resumed, run.Parse.GetValue(quiet));
            return ExitCodes.Ok;
        });

        return command;
    }
}
