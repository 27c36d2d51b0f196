namespace SessionCluster.Domain.Tests;

public class RecoveryHintsTests
{
    private static SessionState State(string agent = "claude", SessionStatus status = SessionStatus.Running) =>
        SessionDriver.In(status, agent: agent).S;

    public static TheoryData<ErrorKind> AllKinds()
    {
        var data = new TheoryData<ErrorKind>();
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            data.Add(kind);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Every_kind_has_a_full_sentence(ErrorKind kind)
    {
        var hint = RecoveryHints.For(kind, State());
        Assert.False(string.IsNullOrWhiteSpace(hint));
        Assert.True(char.IsUpper(hint[0]), hint);
        Assert.EndsWith(".", hint);
    }

    [Theory]
    [InlineData(ErrorKind.Auth)]
    [InlineData(ErrorKind.ModelApiUnreachable)]
    [InlineData(ErrorKind.ModelApiError)]
    [InlineData(ErrorKind.NonZeroExit)]
    [InlineData(ErrorKind.CrashBySignal)]
    [InlineData(ErrorKind.NoResult)]
    [InlineData(ErrorKind.AgentError)]
    [InlineData(ErrorKind.NodeLost)]
    public void Kinds_that_can_continue_name_the_resume_command_with_the_session_id(ErrorKind kind)
    {
        Assert.Contains("sessionctl resume s-1", RecoveryHints.For(kind, State()));
    }

    [Theory]
    [InlineData(ErrorKind.AgentBinaryMissing)]
    [InlineData(ErrorKind.BadWorkdir)]
    public void Kinds_that_need_a_new_launch_say_so(ErrorKind kind)
    {
        var hint = RecoveryHints.For(kind, State());
        Assert.DoesNotContain("resume", hint);
        Assert.Contains("launch", hint);
    }

    [Theory]
    [InlineData("claude", "ANTHROPIC_API_KEY")]
    [InlineData("codex", "OPENAI_API_KEY")]
    [InlineData("some-other-agent", "ANTHROPIC_API_KEY")]
    public void CredentialFor_names_the_agents_variable(string agent, string variable)
    {
        Assert.Equal(variable, RecoveryHints.CredentialFor(agent));
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void No_hint_tells_to_put_a_key_on_a_command_line(ErrorKind kind)
    {
        foreach (var agent in new[] { "claude", "codex" })
        {
            var hint = RecoveryHints.For(kind, State(agent));
            Assert.DoesNotMatch(@"--env\s+[A-Za-z_][A-Za-z0-9_]*=", hint);
            Assert.DoesNotContain("=...", hint);
        }
    }

    [Fact]
    public void The_auth_hint_passes_the_credential_by_name_from_the_shell()
    {
        var hint = RecoveryHints.For(ErrorKind.Auth, State());
        Assert.Contains("`sessionctl launch --env ANTHROPIC_API_KEY`", hint);
        Assert.Contains("export it in your shell", hint);
    }

    [Fact]
    public void The_signal_hint_starts_the_resume_step_with_a_capital()
    {
        Assert.Contains("Then run `sessionctl resume s-1`.", RecoveryHints.For(ErrorKind.CrashBySignal, State()));
    }

    [Fact]
    public void The_missing_binary_hint_names_agent_node_setting_and_variable()
    {
        var hint = RecoveryHints.For(ErrorKind.AgentBinaryMissing, State("codex"));
        Assert.Contains("`codex` program is not installed on node node-a", hint);
        Assert.Contains("sessioncluster.agents.codex.executable", hint);
        Assert.Contains("SESSIONCLUSTER_CODEX_EXECUTABLE", hint);
    }

    [Fact]
    public void A_given_node_wins_over_the_sessions_node()
    {
        var hint = RecoveryHints.For(ErrorKind.BadWorkdir, State(), "node-x");
        Assert.Contains("/work/repo", hint);
        Assert.Contains("node node-x", hint);
        Assert.DoesNotContain("node-a", hint);
    }

    [Fact]
    public void The_node_lost_hint_names_the_lost_node()
    {
        Assert.Contains("Node node-z stopped", RecoveryHints.For(ErrorKind.NodeLost, State(), "node-z"));
        Assert.Contains("Node node-a stopped", RecoveryHints.For(ErrorKind.NodeLost, State()));
    }

    [Fact]
    public void An_unknown_kind_still_gets_the_resume_step()
    {
        Assert.Equal("Then run `sessionctl resume s-1`.", RecoveryHints.For((ErrorKind)999, State()));
    }

    [Theory]
    [InlineData("claude", "ANTHROPIC_BASE_URL")]
    [InlineData("codex", "sessioncluster.agents.codex.seed-home")]
    public void An_unreachable_model_api_names_where_the_agents_base_url_is_set(string agent, string where)
    {
        Assert.Contains(where, RecoveryHints.For(ErrorKind.ModelApiUnreachable, State(agent)));
    }
}
