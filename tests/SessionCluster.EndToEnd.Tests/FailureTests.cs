using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>Sessions that fail say why, with the exit code, the stderr tail and what to do next.</summary>
public sealed class FailureTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private Sessionctl Ctl => fixture.Ctl;

    [Fact]
    public async Task A_missing_credential_fails_with_exit_code_stderr_tail_and_a_suggestion_naming_it()
    {
        // An empty key: claude answers "Not logged in" and exits 1.
        var launched = await Ctl.SessionAsync(
            "launch", "--workdir", fixture.Workdir, "--prompt", "hello", "--env", "ANTHROPIC_API_KEY=");

        var failed = await Ctl.WaitAsync(launched.Id, "failed");

        var error = failed.Error!;
        Assert.Equal("auth", error.Kind);
        Assert.Equal(1, error.ExitCode);
        Assert.NotNull(error.StderrTail);
        Assert.Contains("Not logged in", error.Message + error.OutputTail);
        Assert.Contains("ANTHROPIC_API_KEY", error.Suggestion);
        var shown = await Ctl.RunAsync("show", launched.Id);
        Assert.Contains("ANTHROPIC_API_KEY", shown.Stdout);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_model_api_that_answers_401_fails_the_session_at_once_as_auth(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        fixture.Model.Enqueue(ModelReply.HttpStatus(401, "invalid x-api-key"));

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "hello"));

        // Both agents would retry for a while; the node's fail-fast policy ends them on the first auth retry.
        var failed = await Ctl.WaitAsync(launched.Id, "failed", timeoutSeconds: 30);
        Assert.Equal("auth", failed.Error!.Kind);
        Assert.Contains(agent.CredentialVariable, failed.Error.Suggestion);
        Assert.Null(failed.Pid);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    public async Task A_model_api_that_answers_500_fails_as_a_model_api_error_with_a_suggestion(string agentName)
    {
        var agent = AgentUnderTest.Of(agentName);
        // Claude retries a 500 (CLAUDE_CODE_MAX_RETRIES=2 here: three requests); codex is configured not to.
        var requests = agentName == "claude" ? 3 : 1;
        fixture.Model.Enqueue(Enumerable.Repeat<ModelReply>(ModelReply.HttpStatus(500, "scripted overload"), requests).ToArray());

        var launched = await Ctl.SessionAsync(agent.Launch(fixture.Workdir, "hello", "--single-turn"));

        var failed = await Ctl.WaitAsync(launched.Id, "failed", timeoutSeconds: 60);
        Assert.Equal("model-api-error", failed.Error!.Kind);
        // Claude names the status; codex names its error kind for it.
        Assert.Contains(agentName == "claude" ? "500" : "internalServerError", failed.Error.Message);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error.Suggestion));
    }

    [Fact]
    public async Task Secrets_of_the_session_never_appear_in_what_the_api_shows()
    {
        var launched = await Ctl.SessionAsync(
            "launch", "--workdir", fixture.Workdir, "--prompt", "hello", "--single-turn", "--env", "MY_SERVICE_TOKEN=hunter2-very-secret");

        var shown = await Ctl.RunAsync("show", launched.Id, "--json");
        Assert.DoesNotContain("hunter2-very-secret", shown.Stdout);
        Assert.Contains("MY_SERVICE_TOKEN", shown.Stdout);
        await Ctl.WaitAsync(launched.Id, "completed,failed");
    }
}
