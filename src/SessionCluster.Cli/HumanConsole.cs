using Spectre.Console;

namespace SessionCluster.Cli;

/// <summary>The Spectre.Console console for human output: colours only on a terminal, wide lines when piped.</summary>
public static class HumanConsole
{
    private const int PipedWidth = 200;

    public static IAnsiConsole Create(CliContext context)
    {
        var terminal = context.OutIsConsole && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        if (!terminal)
        {
            console.Profile.Width = int.TryParse(context.Environment("COLUMNS"), out var columns) && columns > 0
                ? columns
                : PipedWidth;
        }

        return console;
    }
}
