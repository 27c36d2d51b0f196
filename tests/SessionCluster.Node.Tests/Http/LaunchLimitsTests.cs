using System.Collections.Immutable;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

/// <summary>The limits on every launch field, the env policy, and a resume checked like a launch.</summary>
public sealed class LaunchLimitsTests : IDisposable
{
    private static readonly string[] Agents = ["claude"];

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private LaunchSessionRequest Valid => new() { Agent = "claude", Prompt = "fix the build", Workdir = temp.Path };

    private static async Task<HttpResults.Response> Problem(LaunchSessionRequest body, Node.Configuration.NodeSettings? settings = null)
    {
        var result = LaunchValidation.Check(body, settings ?? TestSettings.Create(), Agents);
        Assert.True(result is not null, "the request passed validation");
        return await HttpResults.Execute(result);
    }

    private static Dictionary<string, string> Env(string name, string value = "v") => new() { [name] = value };

    public static TheoryData<string> DeniedByDefault() =>
    [
        "PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "NODE_OPTIONS", "BASH_ENV", "ENV",
        "SESSIONCLUSTER_API_TOKEN", "SESSIONCLUSTER_CLAUDE_EXECUTABLE", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL", "path", "Ld_Preload",
    ];

    [Theory]
    [MemberData(nameof(DeniedByDefault))]
    public async Task Variables_that_change_the_program_inject_code_or_redirect_credentials_are_refused_by_name(string name)
    {
        var response = await Problem(Valid with { Env = Env(name) });

        Assert.Equal(400, response.Status);
        Assert.StartsWith($"env '{name}' may not be set by a session: it matches '", response.Detail);
        Assert.EndsWith("' in sessioncluster.sessions.env.deny", response.Detail);
    }

    [Theory]
    [InlineData("ANTHROPIC_API_KEY")]
    [InlineData("GIT_AUTHOR_NAME")]
    [InlineData("ENVIRONMENT")]
    [InlineData("MY_PATH")]
    [InlineData("BASE_URL_NOTE")]
    public void Ordinary_variables_pass(string name)
    {
        Assert.Null(LaunchValidation.Check(Valid with { Env = Env(name) }, TestSettings.Create(), Agents));
    }

    [Fact]
    public async Task The_operator_can_replace_the_deny_list_and_add_an_allow_list()
    {
        var settings = TestSettings.Create() with { EnvPolicy = EnvPolicy.Create(["SECRET_*"], ["APP_*", "PATH"]) };

        Assert.Null(LaunchValidation.Check(Valid with { Env = Env("PATH", "/opt/bin") }, settings, Agents));
        Assert.Null(LaunchValidation.Check(Valid with { Env = Env("APP_MODE") }, settings, Agents));
        (await Problem(Valid with { Env = Env("OTHER") }, settings)).AssertProblem(
            400, "env 'OTHER' may not be set by a session: sessioncluster.sessions.env.allow does not list it");
        (await Problem(Valid with { Env = Env("SECRET_APP") }, settings)).AssertProblem(
            400, "env 'SECRET_APP' may not be set by a session: it matches 'SECRET_*' in sessioncluster.sessions.env.deny");
    }

    [Fact]
    public async Task Field_limits()
    {
        (await Problem(Valid with { Name = new string('n', ApiLimits.MaxNameChars + 1) })).AssertProblem(400, "name is 201 characters; the limit is 200");
        (await Problem(Valid with { Model = new string('m', ApiLimits.MaxModelChars + 1) })).AssertProblem(400, "model is 201 characters; the limit is 200");
        (await Problem(Valid with { Workdir = "/" + new string('w', ApiLimits.MaxWorkdirBytes) })).AssertProblem(400, "workdir is 4097 bytes; the limit is 4096");
        var many = Enumerable.Range(0, ApiLimits.MaxEnvEntries + 1).ToDictionary(i => $"V{i}", _ => "");
        (await Problem(Valid with { Env = many })).AssertProblem(400, "env has 101 variables; the limit is 100");
        (await Problem(Valid with { Env = Env("BIG", new string('é', 16 * 1024 + 1)) })).AssertProblem(400, "env 'BIG' is 32770 bytes; the limit is 32768");
        (await Problem(Valid with { Env = Env(new string('N', 257)) })).AssertProblem(
            400,
            $"env name '{new string('N', 64)}...' (257 characters) is not a valid variable name (letters, digits and '_', not starting with a digit, at most 256 characters)");
    }

    [Fact]
    public void Values_at_each_limit_pass()
    {
        var atLimits = Valid with
        {
            Name = new string('n', ApiLimits.MaxNameChars),
            Model = new string('m', ApiLimits.MaxModelChars),
            Env = Enumerable.Range(0, ApiLimits.MaxEnvEntries).ToDictionary(i => i == 0 ? new string('N', 256) : $"V{i}", _ => new string('v', ApiLimits.MaxEnvValueBytes)),
        };

        Assert.Null(LaunchValidation.Check(atLimits, TestSettings.Create(), Agents));
    }

    [Theory]
    [InlineData("--dangerously-skip-permissions")]
    [InlineData("opus -p")]
    [InlineData("opus\n")]
    public async Task A_model_that_could_read_as_an_option_or_holds_spaces_is_refused(string model)
    {
        Assert.Equal(400, (await Problem(Valid with { Model = model })).Status);
    }

    [Theory]
    [InlineData("prompt")]
    [InlineData("name")]
    [InlineData("workdir")]
    [InlineData("env")]
    public async Task A_lone_surrogate_is_refused_wherever_it_is(string field)
    {
        const string lone = "a\uD800b";
        var body = field switch
        {
            "prompt" => Valid with { Prompt = lone },
            "name" => Valid with { Name = lone },
            "workdir" => Valid with { Workdir = "/" + lone },
            _ => Valid with { Env = Env("V", lone) },
        };

        var response = await Problem(body);

        Assert.Equal(400, response.Status);
        Assert.Contains(field, response.Detail);
    }

    [Fact]
    public async Task Control_characters_in_a_name_and_nul_in_an_env_value_are_refused()
    {
        (await Problem(Valid with { Name = "two\nlines" })).AssertProblem(400, "name must be one line of Unicode text (no control characters)");
        (await Problem(Valid with { Env = Env("V", "a\0b") })).AssertProblem(
            400, "env 'V' is not a value a variable can hold (a NUL character or a lone surrogate)");
        (await Problem(Valid with { Workdir = temp.Path + "\0x" })).AssertProblem(
            400, "workdir is not a path (it holds a NUL character or a lone surrogate)");
    }

    [Fact]
    public async Task A_resume_is_checked_like_a_launch_with_the_launch_it_derives()
    {
        var old = new SessionState
        {
            Id = "old",
            Name = "old",
            Launch = new LaunchSpec("claude", "p", temp.Path, null, true, 10, ImmutableSortedDictionary<string, string>.Empty.Add("LD_PRELOAD", "/tmp/evil.so")),
            AgentSessionId = "conv",
            Status = SessionStatus.Completed,
        };
        var launch = Session.ResumeLaunch(old, "new", new string('x', 101), DateTimeOffset.UtcNow);

        var tooLarge = await HttpResults.Execute(LaunchValidation.Check(launch, TestSettings.Create(maxPromptBytes: 100), Agents)!);
        tooLarge.AssertProblem(413, "prompt is 101 bytes; the limit is 100 (sessioncluster.sessions.max-prompt-bytes)");
        var denied = await HttpResults.Execute(LaunchValidation.Check(launch, TestSettings.Create(), Agents)!);
        denied.AssertProblem(400, "env 'LD_PRELOAD' may not be set by a session: it matches 'LD_*' in sessioncluster.sessions.env.deny");
        var gone = Session.ResumeLaunch(old with { Launch = old.Launch with { Env = old.Env.Clear(), Workdir = temp.Combine("gone") } }, "new", null, DateTimeOffset.UtcNow);
        // A workdir gone from this node is placement's question (the node that runs the agent), not the API's.
        Assert.Null(LaunchValidation.Check(gone, TestSettings.Create(), Agents));
        Assert.Null(LaunchValidation.Check(gone with { Spec = gone.Spec with { Workdir = temp.Path } }, TestSettings.Create(), Agents));
    }
}
