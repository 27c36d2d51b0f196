using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SessionCluster.Cli.Commands;

namespace SessionCluster.Cli;

/// <summary>sessionctl: parses the command line, runs one verb, and turns every failure into one line and an exit code.</summary>
public static class SessionCtl
{
    public const string Name = "sessionctl";

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        try
        {
            var globals = new GlobalOptions();
            var root = Build(globals, context);
            var parse = root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                var verb = parse.CommandResult.Command;
                if (verb is RootCommand)
                {
                    var detail = parse.UnmatchedTokens.Count > 0
                        ? $"unknown verb '{parse.UnmatchedTokens[0]}'"
                        : "a verb is required";
                    return Fail(context, ExitCodes.Usage,
                        $"{detail}; verbs are {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see '{Name} --help')");
                }

                return Fail(context, ExitCodes.Usage,
                    $"{string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{Name} {VerbPath(parse.CommandResult)} --help')");
            }

            var invocation = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(invocation, ct);
        }
        catch (CliFailure failure)
        {
            return Fail(context, failure.ExitCode, failure.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Fail(context, ExitCodes.Cancelled, "cancelled");
        }
        catch (Exception e)
        {
            return Fail(context, ExitCodes.ApiError, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    public static RootCommand Build(GlobalOptions globals, CliContext context)
    {
        var root = new RootCommand("Manage the coding-agent sessions of a SessionCluster node over its HTTP API.");
        globals.AddTo(root);
        root.Subcommands.Add(LaunchCommand.Create(globals, context));
        root.Subcommands.Add(ListCommand.Create(globals, context));
        root.Subcommands.Add(ShowCommand.Create(globals, context));
        root.Subcommands.Add(RespondCommand.Create(globals, context));
        root.Subcommands.Add(PermissionCommand.Approve(globals, context));
        root.Subcommands.Add(PermissionCommand.Deny(globals, context));
        root.Subcommands.Add(SessionVerbCommand.Interrupt(globals, context));
        root.Subcommands.Add(SessionVerbCommand.Kill(globals, context));
        root.Subcommands.Add(ResumeCommand.Create(globals, context));
        root.Subcommands.Add(WaitCommand.Create(globals, context));
        root.Subcommands.Add(OutputCommand.Create(globals, context));
        root.Subcommands.Add(SearchCommand.Create(globals, context));
        root.Subcommands.Add(PruneCommand.Create(globals, context));
        root.Subcommands.Add(NotifyCommand.Create(globals, context));
        root.Subcommands.Add(ClusterCommand.Create(globals, context));
        root.Subcommands.Add(ClusterShardingCommand.Create(globals, context));
        root.Subcommands.Add(AgentsCommand.Create(globals, context));
        return root;
    }

    /// <summary>Binds a verb's body; the body throws <see cref="CliFailure"/> to fail.</summary>
    internal static void SetBody(
        this Command command, GlobalOptions globals, CliContext context, Func<VerbRun, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => body(new VerbRun(parse, globals, context), ct));

    /// <summary>The verb as typed, with its parents: "notify test".</summary>
    private static string VerbPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is CommandResult { Command: not RootCommand } command; at = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static int Fail(CliContext context, int exitCode, string message)
    {
        context.Out.Flush();
        context.Error.WriteLine($"{Name}: {OneLine(message)}");
        context.Error.Flush();
        return exitCode;
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
