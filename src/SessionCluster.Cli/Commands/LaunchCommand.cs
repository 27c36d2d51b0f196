using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary><c>launch</c>: starts a session (POST /api/sessions) and prints its id.</summary>
internal static class LaunchCommand
{
    public const string DefaultAgent = "claude";

    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var promptWords = new Argument<string[]>("prompt")
        {
            Description = "The prompt (instead of --prompt or --prompt-file); several words are joined by spaces",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var agent = new Option<string>("--agent", "-a")
        {
            Description = "Agent to run",
            HelpName = "agent",
            DefaultValueFactory = _ => DefaultAgent,
        };
        var workdir = new Option<string?>("--workdir", "-w")
        {
            Description = "Working directory of the agent on the node [default: the current directory], made absolute",
            HelpName = "dir",
        };
        var prompt = new Option<string?>("--prompt", "-p") { Description = "The prompt text", HelpName = "text" };
        var promptFile = new Option<string?>("--prompt-file", "-f")
        {
            Description = "Read the prompt from a file ('-' for stdin)",
            HelpName = "file",
        };
        var name = new Option<string?>("--name", "-n") { Description = "A name for the session", HelpName = "name" };
        var model = new Option<string?>("--model", "-m") { Description = "Model for the agent to use", HelpName = "model" };
        var singleTurn = new Option<bool>("--single-turn") { Description = "End the session after the first turn" };
        var multiTurn = new Option<bool>("--multi-turn") { Description = "Keep the session open for further turns (the default)" };
        var maxAutoResponds = new Option<int?>("--max-auto-responds")
        {
            Description = "How often the node may answer the agent by itself [default: the node's]",
            HelpName = "n",
            CustomParser = NumberParsing.WholeNumber("--max-auto-responds", 0),
        };
        var env = new Option<string[]>("--env", "-e")
        {
            Description = "Environment variable for the agent, KEY=VALUE, or KEY to pass on sessionctl's own value; repeatable",
            HelpName = "KEY[=VALUE]",
            Arity = ArgumentArity.OneOrMore,
        };
        var permissionMode = new Option<string?>("--permission-mode")
        {
            Description = $"What the agent may do without asking: {string.Join(", ", Api.PermissionModes)} [default: the node's for the agent]",
            HelpName = "mode",
        };
        var channel = new Option<string?>("--channel")
        {
            Description = "The notification channel for this session (one of the node's sessioncluster.notifications.channels) [default: the node's default channel]",
            HelpName = "name",
        };
        var autoResume = new Option<bool>("--auto-resume")
        {
            Description = "If the node running the agent is lost, resume the session on another node (needs the agent's transcript there, e.g. a shared HOME)",
        };
        var node = new Option<string?>("--node")
        {
            Description = "Run the agent on this node: its Akka address, name or node id (see `sessionctl agents show`) [default: any agent host with room]",
            HelpName = "address|name|id",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the new session's id" };

        var command = new Command("launch", "Start a session; prints its id on the first line")
        {
            promptWords, agent, workdir, prompt, promptFile, name, model, singleTurn, multiTurn, maxAutoResponds, env, permissionMode, channel, autoResume, node, quiet,
        };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var parse = run.Parse;
            if (parse.GetValue(singleTurn) && parse.GetValue(multiTurn))
            {
                throw CliFailure.Usage("--single-turn and --multi-turn exclude each other");
            }

            var agentName = parse.GetValue(agent);
            if (string.IsNullOrWhiteSpace(agentName))
            {
                throw CliFailure.Usage("--agent must not be empty");
            }

            var mode = ParsePermissionMode(parse.GetValue(permissionMode));
            var channelName = parse.GetValue(channel);
            if (channelName is not null && string.IsNullOrWhiteSpace(channelName))
            {
                throw CliFailure.Usage("--channel must not be empty");
            }

            var nodeName = parse.GetValue(node);
            if (nodeName is not null && string.IsNullOrWhiteSpace(nodeName))
            {
                throw CliFailure.Usage("--node must not be empty");
            }

            var request = new LaunchSessionRequest
            {
                Agent = agentName,
                Prompt = PromptSource.Read(parse.GetValue(prompt), parse.GetValue(promptFile), parse.GetValue(promptWords) ?? [], context),
                Workdir = Path.GetFullPath(parse.GetValue(workdir) ?? ".", context.CurrentDirectory),
                Name = parse.GetValue(name),
                Model = parse.GetValue(model),
                MultiTurn = !parse.GetValue(singleTurn),
                MaxAutoResponds = parse.GetValue(maxAutoResponds),
                PermissionMode = mode,
                Channel = channelName?.Trim(),
                AutoResume = parse.GetValue(autoResume) ? true : null,
                Node = nodeName?.Trim(),
                Env = EnvAssignments.Parse(parse.GetValue(env) ?? [], context.Environment),
            };

            using var client = run.CreateClient();
            var launched = await client.LaunchAsync(request, ct);
            run.ShowNewSession(launched, parse.GetValue(quiet));
            return ExitCodes.Ok;
        });

        return command;
    }

    /// <summary>The mode as the wire spells it, any case accepted; null (the node's default) when not given.</summary>
    private static string? ParsePermissionMode(string? given) =>
        given is null
            ? null
            : Api.PermissionModes.FirstOrDefault(m => string.Equals(m, given.Trim(), StringComparison.OrdinalIgnoreCase))
              ?? throw CliFailure.Usage(
                  $"unknown permission mode '{given}' in --permission-mode; modes are {string.Join(", ", Api.PermissionModes)}");
}
