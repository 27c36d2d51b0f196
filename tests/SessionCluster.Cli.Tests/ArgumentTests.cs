namespace SessionCluster.Cli.Tests;

public sealed class ArgumentTests
{
    [Fact]
    public void Env_assignments_take_everything_after_the_first_equals_and_the_last_of_a_key_wins()
    {
        var env = EnvAssignments.Parse(["A=1", "B=x=y", "C=", "_D9=ok", "A=2"], _ => null);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "2", ["B"] = "x=y", ["C"] = "", ["_D9"] = "ok" }, env);
    }

    [Theory]
    [InlineData("NOEQUALS", "--env NOEQUALS: NOEQUALS is not set in sessionctl's environment; export it first, or give --env NOEQUALS=<value>")]
    [InlineData("A-B", "--env key 'A-B' is not a variable name (letters, digits and '_', not starting with a digit)")]
    [InlineData("=value", "--env key '' is not a variable name (letters, digits and '_', not starting with a digit)")]
    [InlineData("1A=value", "--env key '1A' is not a variable name (letters, digits and '_', not starting with a digit)")]
    [InlineData("A-B=value", "--env key 'A-B' is not a variable name (letters, digits and '_', not starting with a digit)")]
    public void Bad_env_assignments_are_usage_errors(string assignment, string message)
    {
        var failure = Assert.Throws<CliFailure>(() => EnvAssignments.Parse([assignment], _ => null));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public void A_name_without_a_value_takes_sessionctls_own_value_and_an_explicit_one_still_wins_in_order()
    {
        var environment = new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "sk-from-shell", ["EMPTY"] = "" };

        var env = EnvAssignments.Parse(["ANTHROPIC_API_KEY", "EMPTY", "B=1", "B"], name => name == "B" ? "from-env" : environment.GetValueOrDefault(name));

        Assert.Equal(new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "sk-from-shell", ["EMPTY"] = "", ["B"] = "from-env" }, env);
    }

    [Fact]
    public void Status_lists_are_comma_separated_repeatable_case_insensitive_and_deduplicated()
    {
        var statuses = SessionStatuses.Parse(["running, Waiting-For-Input", "failed,running", ""], "--until");

        Assert.Equal(["running", "waiting-for-input", "failed"], statuses);
    }

    [Fact]
    public void An_unknown_status_is_a_usage_error_that_names_the_known_ones()
    {
        var failure = Assert.Throws<CliFailure>(() => SessionStatuses.Parse(["running,done"], "--status"));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Equal(
            "unknown status 'done' in --status; statuses are starting, running, waiting-for-input, completed, failed, killed, interrupted",
            failure.Message);
    }

    [Fact]
    public void Completed_failed_killed_and_interrupted_are_terminal()
    {
        Assert.Equal(
            ["completed", "failed", "killed", "interrupted"],
            SessionStatuses.All.Where(SessionStatuses.IsTerminal));
    }

    [Fact]
    public void The_prompt_comes_from_a_file_relative_to_the_current_directory()
    {
        using var cli = new TestCli();
        File.WriteAllText(Path.Combine(cli.DataDir, "prompt.md"), "Fix the bug\nin main.c\n");

        var prompt = PromptSource.Read(null, "prompt.md", [], Context(cli));

        Assert.Equal("Fix the bug\nin main.c\n", prompt);
    }

    [Fact]
    public void The_prompt_file_dash_is_stdin()
    {
        using var cli = new TestCli { Stdin = "from stdin" };

        Assert.Equal("from stdin", PromptSource.Read(null, "-", [], Context(cli)));
    }

    [Fact]
    public void Prompt_words_are_joined_by_spaces()
    {
        using var cli = new TestCli();

        Assert.Equal("fix the bug", PromptSource.Read(null, null, ["fix", "the", "bug"], Context(cli)));
    }

    [Fact]
    public void A_missing_prompt_file_is_a_usage_error_naming_the_full_path()
    {
        using var cli = new TestCli();

        var failure = Assert.Throws<CliFailure>(() => PromptSource.Read(null, "nope.md", [], Context(cli)));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Equal($"prompt file not found: {Path.Combine(cli.DataDir, "nope.md")}", failure.Message);
    }

    [Fact]
    public void No_prompt_two_prompts_and_an_empty_prompt_are_usage_errors()
    {
        using var cli = new TestCli();
        File.WriteAllText(Path.Combine(cli.DataDir, "empty.md"), "  \n");

        Assert.StartsWith("launch needs a prompt", Assert.Throws<CliFailure>(() => PromptSource.Read(null, null, [], Context(cli))).Message);
        Assert.StartsWith("give the prompt once", Assert.Throws<CliFailure>(() => PromptSource.Read("a", null, ["b"], Context(cli))).Message);
        Assert.StartsWith("prompt file empty.md is empty", Assert.Throws<CliFailure>(() => PromptSource.Read(null, "empty.md", [], Context(cli))).Message);
    }

    [Theory]
    [InlineData(new[] { "list", "--bogus" }, "sessionctl: Unrecognized command or argument '--bogus' (see 'sessionctl list --help')")]
    [InlineData(new[] { "wait", "s-1" }, "sessionctl: Option '--until' is required (see 'sessionctl wait --help')")]
    [InlineData(new[] { "launch", "--max-auto-responds", "many", "hi" }, "sessionctl: --max-auto-responds expects a whole number of at least 0, got 'many' (see 'sessionctl launch --help')")]
    [InlineData(new[] { "wait", "s-1", "--until", "running", "--timeout", "-1" }, "sessionctl: --timeout expects a number of at least 0, got '-1' (see 'sessionctl wait --help')")]
    [InlineData(new[] { "show" }, "sessionctl: Required argument missing for command: 'show' (see 'sessionctl show --help')")]
    [InlineData(new[] { "notify", "list", "--limit", "0" }, "sessionctl: --limit expects a whole number of at least 1, got '0' (see 'sessionctl notify list --help')")]
    [InlineData(new[] { "notify", "test" }, "sessionctl: Required argument missing for command: 'test' (see 'sessionctl notify test --help')")]
    [InlineData(new[] { "launch", "--channel", " ", "hi" }, "sessionctl: --channel must not be empty")]
    [InlineData(new[] { "frobnicate" }, "sessionctl: unknown verb 'frobnicate'; verbs are launch, list, show, respond, approve, deny, interrupt, kill, resume, wait, output, search, prune, notify, cluster, cluster-sharding, agents (see 'sessionctl --help')")]
    [InlineData(new string[0], "sessionctl: a verb is required; verbs are launch, list, show, respond, approve, deny, interrupt, kill, resume, wait, output, search, prune, notify, cluster, cluster-sharding, agents (see 'sessionctl --help')")]
    public async Task Bad_arguments_give_one_line_and_exit_2(string[] args, string message)
    {
        using var cli = new TestCli("http://127.0.0.1:9");

        var run = await cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal([message], run.ErrorLines);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData(new[] { "--env", "NOT_SET_ANYWHERE", "hi" }, "sessionctl: --env NOT_SET_ANYWHERE: NOT_SET_ANYWHERE is not set in sessionctl's environment; export it first, or give --env NOT_SET_ANYWHERE=<value>")]
    [InlineData(new[] { "--prompt-file", "missing.md" }, "sessionctl: prompt file not found: {dir}/missing.md")]
    [InlineData(new[] { "--prompt", "hi", "--prompt-file", "p.md" }, "sessionctl: give the prompt once: --prompt, --prompt-file or the prompt as argument, not several")]
    [InlineData(new[] { "--single-turn", "--multi-turn", "hi" }, "sessionctl: --single-turn and --multi-turn exclude each other")]
    [InlineData(new[] { "--agent", " ", "hi" }, "sessionctl: --agent must not be empty")]
    [InlineData(new string[0], "sessionctl: launch needs a prompt: --prompt <text>, --prompt-file <file> or the prompt as argument")]
    public async Task Launch_checks_its_arguments_before_it_calls_the_node(string[] args, string message)
    {
        await using var node = await FakeNode.StartAsync(_ => { });
        using var cli = new TestCli(node.Url);

        var run = await cli.RunAsync(["launch", .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal([message.Replace("{dir}", cli.DataDir)], run.ErrorLines);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task A_bad_url_is_a_usage_error()
    {
        using var cli = new TestCli();

        var run = await cli.RunAsync("list", "--url", "ftp://example");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(["sessionctl: --url must be an http:// or https:// base URL, got 'ftp://example'"], run.ErrorLines);
    }

    [Fact]
    public async Task Help_goes_to_stdout_with_exit_0()
    {
        using var cli = new TestCli();

        var run = await cli.RunAsync("launch", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--prompt-file", run.Out);
        Assert.Equal("", run.Error);
    }

    private static CliContext Context(TestCli cli) => new()
    {
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        In = () => new StringReader(cli.Stdin),
        Environment = _ => null,
        CurrentDirectory = cli.CurrentDirectory,
    };
}
