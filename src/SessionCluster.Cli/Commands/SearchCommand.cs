using System.CommandLine;
using System.Globalization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>search</c>: which sessions' agents ran, touched or said something (GET /api/events/search), best match first,
/// one line per hit: session id, sequence number, type, the words around the match.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var text = new Argument<string[]>("text") { Description = "The words to find, in this order", Arity = ArgumentArity.OneOrMore };
        var type = EventTypeOption.Create(
            "Only events of these types, comma-separated; repeatable (see 'sessionctl output --help')");
        var agent = new Option<string?>("--agent", "-a") { Description = "Only sessions of this agent", HelpName = "agent" };
        var limit = new Option<int?>("--limit", "-l")
        {
            Description = $"At most this many hits (at most {Api.MaxSearchHits}) [default: {Api.DefaultSearchHits}]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--limit", 1),
        };

        var command = new Command("search", "Find events across sessions: a command, a file, a word the agent said") { text, type, agent, limit };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var types = EventTypeOption.Values(run.Parse, type);
            using var client = run.CreateClient();
            var found = await client.SearchAsync(
                string.Join(' ', run.Parse.GetValue(text) ?? []), types, run.Parse.GetValue(agent), run.Parse.GetValue(limit), ct);
            if (run.Json)
            {
                run.WriteJson(found);
                return ExitCodes.Ok;
            }

            if (found.Value.Hits.Count == 0)
            {
                context.Out.WriteLine("no matches");
            }

            foreach (var hit in found.Value.Hits)
            {
                context.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"{hit.SessionId}  {hit.Seq,5}  {hit.Type,-14}  {OneLine(hit.Snippet)}"));
            }

            context.Out.Flush();
            return ExitCodes.Ok;
        });

        return command;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
