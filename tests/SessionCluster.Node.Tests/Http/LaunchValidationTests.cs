using System.Text.Json;
using SessionCluster.Contracts;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class LaunchValidationTests : IDisposable
{
    private static readonly string[] Agents = ["claude", "codex"];

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private LaunchSessionRequest Valid => new()
    {
        Agent = "claude",
        Prompt = "fix the build",
        Workdir = temp.Path,
    };

    private static async Task<HttpResults.Response> Problem(LaunchSessionRequest body, int maxPromptBytes = 262144)
    {
        var result = LaunchValidation.Check(body, TestSettings.Create(nodeName: "node-a", maxPromptBytes: maxPromptBytes), Agents);
        Assert.NotNull(result);
        return await HttpResults.Execute(result);
    }

    [Fact]
    public void A_valid_request_passes()
    {
        Assert.Null(LaunchValidation.Check(Valid, TestSettings.Create(), Agents));
        Assert.Null(LaunchValidation.Check(
            Valid with { MaxAutoResponds = 0, Env = new() { ["API_KEY"] = "v", ["EMPTY"] = "" }, Name = "n", Model = "m", MultiTurn = false },
            TestSettings.Create(),
            Agents));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_missing_agent_lists_the_node_s_agents(string? agent)
    {
        (await Problem(Valid with { Agent = agent })).AssertProblem(400, "agent is required; this node runs: claude, codex");
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("Claude")]
    public async Task An_unknown_agent_is_named_with_the_node_s_agents(string agent)
    {
        (await Problem(Valid with { Agent = agent })).AssertProblem(400, $"unknown agent '{agent}'; this node runs: claude, codex");
    }

    [Theory]
    [InlineData("always")]
    [InlineData("acceptEdits")]
    [InlineData("")]
    public async Task An_unknown_permission_mode_is_refused_with_the_four_modes(string mode)
    {
        (await Problem(Valid with { PermissionMode = mode })).AssertProblem(
            400, $"permissionMode '{mode}' is not one of: ask, accept-edits, bypass, plan");
    }

    [Theory]
    [InlineData("ask")]
    [InlineData("accept-edits")]
    [InlineData("BYPASS")]
    [InlineData("plan")]
    public void Each_permission_mode_passes(string mode) =>
        Assert.Null(LaunchValidation.Check(Valid with { PermissionMode = mode }, TestSettings.Create(), Agents));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n ")]
    public async Task A_missing_prompt_is_refused(string? prompt)
    {
        (await Problem(Valid with { Prompt = prompt })).AssertProblem(400, "prompt is required");
    }

    [Fact]
    public async Task A_prompt_over_the_limit_is_413_with_its_utf8_byte_count_and_the_hocon_key()
    {
        var prompt = new string('é', 51); // 51 chars, 102 UTF-8 bytes

        (await Problem(Valid with { Prompt = prompt }, maxPromptBytes: 100)).AssertProblem(
            413, "prompt is 102 bytes; the limit is 100 (sessioncluster.sessions.max-prompt-bytes)");
    }

    [Fact]
    public void A_prompt_of_exactly_the_limit_passes()
    {
        Assert.Null(LaunchValidation.Check(Valid with { Prompt = new string('é', 50) }, TestSettings.Create(maxPromptBytes: 100), Agents));
    }

    [Fact]
    public async Task Too_large_names_its_field()
    {
        var result = LaunchValidation.TooLarge("message", "0123456789", TestSettings.Create(maxPromptBytes: 9));

        (await HttpResults.Execute(Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IResult>(result))).AssertProblem(
            413, "message is 10 bytes; the limit is 9 (sessioncluster.sessions.max-prompt-bytes)");
        Assert.Null(LaunchValidation.TooLarge("message", "012345678", TestSettings.Create(maxPromptBytes: 9)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_missing_workdir_is_refused(string? workdir)
    {
        (await Problem(Valid with { Workdir = workdir })).AssertProblem(400, "workdir is required (an absolute path on the node)");
    }

    [Theory]
    [InlineData("src/app")]
    [InlineData("./app")]
    [InlineData("~/app")]
    public async Task A_relative_workdir_is_refused(string workdir)
    {
        (await Problem(Valid with { Workdir = workdir })).AssertProblem(400, $"workdir '{workdir}' must be an absolute path");
    }

    [Fact]
    public void A_workdir_missing_on_the_node_taking_the_request_is_left_to_the_node_that_runs_the_agent()
    {
        var missing = temp.Combine("no-such-dir");

        // The agent may run on another node, where it exists: placement asks that node (WorkdirCheck there).
        Assert.Null(LaunchValidation.Check(Valid with { Workdir = missing }, TestSettings.Create(nodeName: "node-a"), Agents));
        Assert.Equal("does not exist", SessionCluster.Agents.WorkdirCheck.Problem(missing));
    }

    [Fact]
    public void A_file_is_not_a_workdir_on_the_node_that_runs_the_agent()
    {
        var file = temp.File("a-file", "");

        Assert.Null(LaunchValidation.Check(Valid with { Workdir = file }, TestSettings.Create(nodeName: "node-a"), Agents));
        Assert.Equal("is a file, not a directory", SessionCluster.Agents.WorkdirCheck.Problem(file));
    }

    [Theory]
    [InlineData("node-b\nnode-c")]
    [InlineData("node\u0007")]
    public async Task A_node_pin_must_be_one_line(string escaped)
    {
        var node = System.Text.RegularExpressions.Regex.Unescape(escaped);

        (await Problem(Valid with { Node = node })).AssertProblem(400, "node must be one line of text: an Akka address, a node name or a node id");
        Assert.Null(LaunchValidation.Check(Valid with { Node = "akka.tcp://sessioncluster@node-b:4053" }, TestSettings.Create(), Agents));
    }

    [Fact]
    public async Task Negative_max_auto_responds_is_refused()
    {
        (await Problem(Valid with { MaxAutoResponds = -1 })).AssertProblem(400, "maxAutoResponds must be 0 or more, not -1");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("A=B")]
    [InlineData("=A")]
    [InlineData("A\0B")]
    [InlineData("1A")]
    [InlineData("A-B")]
    [InlineData("A\n")]
    [InlineData("É")]
    public async Task A_bad_env_name_is_named(string name)
    {
        var env = new Dictionary<string, string> { ["GOOD"] = "1", [name] = "2" };

        (await Problem(Valid with { Env = env })).AssertProblem(
            400,
            $"env name '{name}' is not a valid variable name (letters, digits and '_', not starting with a digit, at most 256 characters)");
    }

    [Fact]
    public async Task The_first_problem_is_reported()
    {
        var body = new LaunchSessionRequest { Agent = "gpt", Prompt = "", Workdir = "relative", MaxAutoResponds = -5 };

        (await Problem(body)).AssertProblem(400, "unknown agent 'gpt'; this node runs: claude, codex");
    }

    /// <summary>
    /// Regression: <c>"env": {"FOO": null}</c> deserializes to a null value (Api.Json does not respect nullable
    /// annotations) and passes validation; the launch then reaches the session entity, whose protobuf
    /// serializer (SessionEventSerializer.WriteEnv -> MapField.Add) throws ArgumentNullException on persist.
    /// It must be a 400 here.
    /// </summary>
    [Fact]
    public async Task A_null_env_value_is_refused()
    {
        var json = """{"agent":"claude","prompt":"p","workdir":""" + JsonSerializer.Serialize(temp.Path) + ""","env":{"FOO":null}}""";
        var body = JsonSerializer.Deserialize<LaunchSessionRequest>(json, Api.Json)!;
        Assert.Null(body.Env!["FOO"]);

        var result = LaunchValidation.Check(body, TestSettings.Create(), Agents);

        Assert.True(result is not null, "a null env value passed validation");
        var response = await HttpResults.Execute(result);
        Assert.Equal(400, response.Status);
        Assert.Contains("FOO", response.Detail);
    }
}
