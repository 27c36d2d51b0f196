using System.CommandLine;
using SessionCluster.Contracts;
using Spectre.Console;

namespace SessionCluster.Cli;

/// <summary>One verb being run: its parsed arguments, the node to talk to, and where to print.</summary>
public sealed class VerbRun(ParseResult parse, GlobalOptions globals, CliContext context)
{
    private IAnsiConsole? console;

    public ParseResult Parse => parse;

    public CliContext Context => context;

    public bool Json => parse.GetValue(globals.Json);

    /// <summary>Human output; made on first use so no verb pays for it before its request is sent.</summary>
    public IAnsiConsole Console => console ??= HumanConsole.Create(context);

    public ApiClient CreateClient() => new(TokenSource.Resolve(
        parse.GetValue(globals.Url),
        parse.GetValue(globals.Token),
        parse.GetValue(globals.DataDir),
        context.Environment,
        context.CurrentDirectory));

    public void WriteJson<T>(ApiResponse<T> response) where T : class
    {
        context.Out.WriteLine(response.IndentedJson());
        context.Out.Flush();
    }

    /// <summary>A session the node answered with: its JSON, or its row in a table.</summary>
    public void ShowSession(ApiResponse<SessionDto> response)
    {
        if (Json)
        {
            WriteJson(response);
            return;
        }

        SessionView.Table(Console, [response.Value], DateTimeOffset.UtcNow);
    }

    /// <summary>A session that was just made: its id alone on the first line (for scripts), then its row.</summary>
    public void ShowNewSession(ApiResponse<SessionDto> response, bool quiet)
    {
        if (Json)
        {
            WriteJson(response);
            return;
        }

        context.Out.WriteLine(response.SessionId());
        context.Out.Flush();
        if (!quiet)
        {
            SessionView.Table(Console, [response.Value], DateTimeOffset.UtcNow);
        }
    }
}
