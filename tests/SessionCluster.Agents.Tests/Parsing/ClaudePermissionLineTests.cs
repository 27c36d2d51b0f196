using System.Text;
using System.Text.Json;

namespace SessionCluster.Agents.Tests.Parsing;

/// <summary>Claude's permission lines, as the real 2.1.328 printed them, and shapes around them.</summary>
public sealed class ClaudePermissionLineTests
{
    // Seen from the real claude with --permission-prompt-tool stdio (paths shortened).
    private const string BashRequest =
        """{"type":"control_request","request_id":"83c72426-e48c-41c2-8d46-44d2905cc9dc","request":{"subtype":"can_use_tool","tool_name":"Bash","display_name":"Bash","input":{"command":"printf perm-ok > perm-marker.txt","description":"Write marker"},"description":"Write marker","permission_suggestions":[{"type":"addRules","rules":[{"toolName":"Bash","ruleContent":"printf perm-ok *"}],"behavior":"allow","destination":"localSettings"},{"type":"addDirectories","directories":["/tmp/w"],"destination":"session"}],"blocked_path":"/tmp/w/perm-marker.txt","tool_use_id":"toolu_x1"}}""";

    // Seen from the real claude in its default mode, without a prompt tool.
    private const string Denied =
        """{"type":"system","subtype":"permission_denied","tool_name":"Bash","tool_use_id":"toolu_x1","message":"Output redirection to '/tmp/w/perm-marker.txt' needs approval.","uuid":"a6f0d1ac-00a0-471b-aa4b-89ad93768937","session_id":"4701f483-96c2-4e50-9ebc-a699954c45e7"}""";

    private readonly ClaudeStreamJsonParser parser = new();

    [Fact]
    public void A_can_use_tool_request_for_bash_is_a_permission_request_summarized_by_its_command()
    {
        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(Parse(BashRequest)));

        Assert.Equal(("83c72426-e48c-41c2-8d46-44d2905cc9dc", "Bash", "printf perm-ok > perm-marker.txt"), (request.RequestId, request.Tool, request.Summary));
        using var input = JsonDocument.Parse(request.InputJson);
        Assert.Equal("printf perm-ok > perm-marker.txt", input.RootElement.GetProperty("command").GetString());
        Assert.Equal("Write marker", input.RootElement.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("Edit", """{"file_path":"/w/src/a.cs","old_string":"x","new_string":"y"}""", "/w/src/a.cs")]
    [InlineData("Write", """{"file_path":"/w/notes.md","content":"hello"}""", "/w/notes.md")]
    [InlineData("NotebookEdit", """{"notebook_path":"/w/n.ipynb","new_source":"1"}""", "/w/n.ipynb")]
    [InlineData("WebFetch", """{"url":"https://example.com","prompt":"read"}""", "Fetch a page")]
    [InlineData("Bash", """{"description":"no command here"}""", "Fetch a page")]
    public void Edits_are_summarized_by_their_path_and_other_tools_by_their_description(string tool, string input, string summary)
    {
        var line = $$$"""{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"{{{tool}}}","input":{{{input}}},"description":"Fetch a page"}}""";

        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(Parse(line)));

        Assert.Equal((tool, summary), (request.Tool, request.Summary));
        Assert.Equal(input, request.InputJson);
    }

    [Fact]
    public void Without_input_or_description_the_summary_is_the_display_name_and_the_input_an_empty_object()
    {
        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(Parse(
            """{"type":"control_request","request_id":"r2","request":{"subtype":"can_use_tool","tool_name":"mcp__x__y","display_name":"Y"}}""")));

        Assert.Equal(("Y", "{}"), (request.Summary, request.InputJson));
    }

    [Fact]
    public void A_long_command_is_cut_to_a_bounded_summary_but_the_input_keeps_all_of_it()
    {
        var command = "echo " + new string('x', 5000);
        var line = $$$$"""{"type":"control_request","request_id":"r3","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"{{{{command}}}}"}}}""";

        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(Parse(line)));

        Assert.Equal(AgentPermissionRequest.MaxSummaryChars, request.Summary.Length);
        Assert.EndsWith("…", request.Summary);
        Assert.StartsWith("echo xxx", request.Summary);
        Assert.Contains(command, request.InputJson);
    }

    [Theory]
    [InlineData("""{"type":"control_request","request_id":"r4","request":{"subtype":"interrupt"}}""")]
    [InlineData("""{"type":"control_request","request_id":"r5","request":{"subtype":"mcp_message","server_name":"s","message":{}}}""")]
    [InlineData("""{"type":"control_request","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{}}}""")]
    [InlineData("""{"type":"control_request","request_id":"","request":{"subtype":"can_use_tool","tool_name":"Bash"}}""")]
    [InlineData("""{"type":"control_request","request_id":7,"request":{"subtype":"can_use_tool","tool_name":"Bash"}}""")]
    [InlineData("""{"type":"control_request","request_id":"r6","request":{"subtype":"can_use_tool","input":{}}}""")]
    [InlineData("""{"type":"control_request","request_id":"r7","request":"can_use_tool"}""")]
    [InlineData("""{"type":"control_request","request_id":"r8"}""")]
    public void Other_control_requests_and_incomplete_ones_stay_unknown_with_their_raw_json(string line)
    {
        Assert.Equal(new AgentUnknown("control_request", line), Assert.Single(Parse(line)));
    }

    [Fact]
    public void A_request_whose_input_is_not_an_object_asks_with_an_empty_input()
    {
        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(Parse(
            """{"type":"control_request","request_id":"r9","request":{"subtype":"can_use_tool","tool_name":"Bash","input":"ls","description":"List"}}""")));

        Assert.Equal(("List", "{}"), (request.Summary, request.InputJson));
    }

    [Theory]
    [InlineData("""{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash",}}""")]
    [InlineData("""{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash"}""")]
    public void A_broken_control_request_is_malformed(string line)
    {
        Assert.IsType<AgentMalformedLine>(Assert.Single(Parse(line)));
    }

    [Fact]
    public void A_permission_denied_system_line_is_a_denial_with_the_tool_and_the_reason()
    {
        Assert.Equal(
            new AgentPermissionDenied("toolu_x1", "Bash", "Output redirection to '/tmp/w/perm-marker.txt' needs approval."),
            Assert.Single(Parse(Denied)));
    }

    [Fact]
    public void A_permission_denied_line_without_a_tool_name_stays_unknown()
    {
        const string line = """{"type":"system","subtype":"permission_denied","message":"no"}""";
        Assert.Equal(new AgentUnknown("system/permission_denied", line), Assert.Single(Parse(line)));
    }

    private IReadOnlyList<AgentEvent> Parse(string line) => parser.Parse(Encoding.UTF8.GetBytes(line));
}
