using System.Collections.Immutable;
using SessionCluster.Domain;
using System.Text.Json;

namespace SessionCluster.Agents.Tests.Drivers;

public sealed class ClaudeDriverTests
{
    // The default mode, ask: its flags follow the stream-json ones (see ClaudePermissionDriverTests for the modes).
    private static readonly string[] BaseArguments =
        ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "--permission-prompt-tool", "stdio"];

    private static readonly IReadOnlyDictionary<string, string> Env = new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "k" };

    [Fact]
    public void A_launch_is_print_mode_with_stream_json_both_ways_and_the_prompt_on_stdin()
    {
        var spec = new ClaudeDriver().Launch(Request("Fix the tests"));

        Assert.Equal("claude", spec.Executable);
        Assert.Equal(BaseArguments, spec.Arguments);
        Assert.Equal("/work/project", spec.WorkingDirectory);
        Assert.Equal(Env, spec.Environment);
        Assert.Equal([ClaudeDriver.UserMessageLine("Fix the tests")], spec.StdinLines);
        Assert.True(spec.KeepStdinOpen);
    }

    [Fact]
    public void Model_resume_and_extra_arguments_follow_in_that_order()
    {
        var driver = new ClaudeDriver(new ClaudeDriverOptions("/opt/claude/bin/claude", ["--allowedTools", "Bash"]));

        var spec = driver.Launch(Request("go") with { Launch = Request("go").Launch with { Model = "claude-sonnet", ResumedFrom = new ResumeLink("earlier", "0b4c-session") } });

        Assert.Equal("/opt/claude/bin/claude", spec.Executable);
        Assert.Equal(
            [.. BaseArguments, "--model", "claude-sonnet", "--resume", "0b4c-session", "--allowedTools", "Bash"],
            spec.Arguments);
    }

    [Fact]
    public void A_blank_model_or_resume_id_adds_nothing()
    {
        var spec = new ClaudeDriver().Launch(Request("go") with { Launch = Request("go").Launch with { Model = " ", ResumedFrom = new ResumeLink("earlier", "") } });
        Assert.Equal(BaseArguments, spec.Arguments);
    }

    [Fact]
    public void A_respond_is_one_more_stdin_line_and_an_interrupt_is_sigint()
    {
        var conversation = new ClaudeDriver().Converse(Request("go"));

        Assert.Equal(ClaudeDriver.UserMessageLine("and now the docs"), conversation.Respond("and now the docs"));
        Assert.Equal(AgentInterrupt.BySignal, conversation.Interrupt());
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    public void Stdin_closes_after_an_error_result_or_a_single_turn(bool isError, bool multiTurn, bool ends)
    {
        var result = new AgentTurnResult(isError, "success", 0m, TokenUsage.Zero, 1, 0, "done", "s");
        Assert.Equal(ends, new ClaudeDriver().Converse(Request("go")).EndsInputAfter(result, multiTurn));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quotes \" and \\ backslashes")]
    [InlineData("two\nlines\r\nand a tab\t")]
    [InlineData("ünïcödé · 😀 and <html> & 'single'")]
    [InlineData("control \u0001 \u001f chars")]
    [InlineData("separators \u2028 \u2029")]
    public void The_user_message_line_is_one_json_line_that_carries_the_text_exactly(string text)
    {
        var line = ClaudeDriver.UserMessageLine(text);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("user", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("user", json.RootElement.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(text, json.RootElement.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public void A_lone_surrogate_becomes_a_replacement_character_not_an_exception()
    {
        using var json = JsonDocument.Parse(ClaudeDriver.UserMessageLine("a\ud800b"));
        Assert.Equal("a\uFFFDb", json.RootElement.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public void The_user_message_line_has_the_shape_claude_reads() =>
        Assert.Equal("""{"type":"user","message":{"role":"user","content":"hi \"you\""}}""", ClaudeDriver.UserMessageLine("hi \"you\""));

    [Fact]
    public void Its_conversation_is_new_for_each_process()
    {
        var driver = new ClaudeDriver();
        Assert.IsType<ClaudeConversation>(driver.Converse(Request("go")));
        Assert.NotSame(driver.Converse(Request("go")), driver.Converse(Request("go")));
        Assert.Equal("claude", driver.Agent);
    }

    private static AgentLaunchRequest Request(string prompt) => new("s-1", new LaunchSpec("claude", prompt, "/work/project", null, false, 0, Env.ToImmutableSortedDictionary()));
}
