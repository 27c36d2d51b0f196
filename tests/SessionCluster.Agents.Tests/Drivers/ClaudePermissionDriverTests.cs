using System.Collections.Immutable;
using System.Text.Json;
using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.Drivers;

/// <summary>Permission modes on claude's argv, and the line that answers a permission request.</summary>
public sealed class ClaudePermissionDriverTests
{
    private static readonly string[] StreamJson = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];

    private static readonly IReadOnlyDictionary<string, string> Env = new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "k" };

    [Fact]
    public void A_launch_without_a_mode_asks_over_stdio() =>
        Assert.Equal(PermissionMode.Ask, Request().Launch.PermissionMode);

    [Theory]
    [InlineData(PermissionMode.Ask, new[] { "--permission-prompt-tool", "stdio" })]
    [InlineData(PermissionMode.AcceptEdits, new[] { "--permission-mode", "acceptEdits", "--permission-prompt-tool", "stdio" })]
    [InlineData(PermissionMode.Plan, new[] { "--permission-mode", "plan" })]
    [InlineData(PermissionMode.Bypass, new[] { "--permission-mode", "bypassPermissions" })]
    public void Each_mode_puts_its_flags_after_the_stream_json_ones_and_before_model_resume_and_extras(PermissionMode mode, string[] flags)
    {
        var driver = new ClaudeDriver(new ClaudeDriverOptions("claude", ["--allowedTools", "Read"]))
        {
            RunsAsRoot = () => false,
        };

        var spec = driver.Launch(Request(mode) with { Launch = Request(mode).Launch with { Model = "m", ResumedFrom = new ResumeLink("earlier", "s") } });

        Assert.Equal([.. StreamJson, .. flags, "--model", "m", "--resume", "s", "--allowedTools", "Read"], spec.Arguments);
    }

    [Fact]
    public void Bypass_on_a_root_node_fails_before_any_spawn_and_says_what_to_do_instead()
    {
        var driver = new ClaudeDriver(new ClaudeDriverOptions()) { RunsAsRoot = () => true };

        var e = Assert.Throws<AgentStartException>(() => driver.Launch(Request(PermissionMode.Bypass)));

        Assert.Equal(ErrorKind.AgentError, e.Kind);
        Assert.Contains("bypass cannot run as root", e.Message);
        Assert.Contains("accept-edits", e.Message);
        Assert.Contains("non-root user", e.Message);
    }

    [Theory]
    [InlineData(PermissionMode.Ask)]
    [InlineData(PermissionMode.AcceptEdits)]
    [InlineData(PermissionMode.Plan)]
    public void Other_modes_launch_as_root(PermissionMode mode)
    {
        var driver = new ClaudeDriver(new ClaudeDriverOptions()) { RunsAsRoot = () => true };
        Assert.NotEmpty(driver.Launch(Request(mode)).Arguments);
    }

    [Fact]
    public void Allow_is_a_success_control_response_that_passes_the_input_back_unchanged()
    {
        var line = ClaudeDriver.PermissionResponseLine("req-1", allow: true, message: null, """{"command":"printf 'a\"b' > f.txt","description":"Write"}""");

        Assert.Equal(
            """{"type":"control_response","response":{"subtype":"success","request_id":"req-1","response":{"behavior":"allow","updatedInput":{"command":"printf 'a\"b' > f.txt","description":"Write"}}}}""",
            line);
    }

    [Fact]
    public void Deny_carries_the_message_for_the_model()
    {
        var line = ClaudeDriver.PermissionResponseLine("req-2", allow: false, "Not in prod, please.", """{"command":"rm -rf /"}""");

        Assert.Equal(
            """{"type":"control_response","response":{"subtype":"success","request_id":"req-2","response":{"behavior":"deny","message":"Not in prod, please."}}}""",
            line);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_deny_without_a_reason_still_tells_the_model_it_was_denied(string? message)
    {
        using var document = JsonDocument.Parse(ClaudeDriver.PermissionResponseLine("r", allow: false, message, "{}"));
        var response = document.RootElement.GetProperty("response").GetProperty("response");
        Assert.Equal(ClaudeDriver.DefaultDenyMessage, response.GetProperty("message").GetString());
    }

    [Fact]
    public void An_answer_line_is_one_line_whatever_the_request_id_and_message_hold()
    {
        var line = ClaudeDriver.PermissionResponseLine("id\n\"x\"", allow: false, "two\nlines \u2028 and \"quotes\"", "{}");

        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        var response = document.RootElement.GetProperty("response");
        Assert.Equal("id\n\"x\"", response.GetProperty("request_id").GetString());
        Assert.Equal("two\nlines \u2028 and \"quotes\"", response.GetProperty("response").GetProperty("message").GetString());
    }

    [Fact]
    public void The_driver_answers_a_request_with_its_own_id_and_input()
    {
        var request = new AgentPermissionRequest("req-3", "Bash", "ls", """{"command":"ls"}""");
        Assert.Equal(
            ClaudeDriver.PermissionResponseLine("req-3", true, null, """{"command":"ls"}"""),
            new ClaudeDriver().Converse(Request()).AnswerPermission(request, allow: true, message: null, remember: false));
    }

    private static AgentLaunchRequest Request(PermissionMode mode = PermissionMode.Ask) =>
        new("s-1", new LaunchSpec("claude", "go", "/work/project", null, false, 0, Env.ToImmutableSortedDictionary(), mode));
}
