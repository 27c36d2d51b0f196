using System.Text;
using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.Parsing;

/// <summary>Lines the corpus does not hold: bad, unknown, huge, escaped, and shapes seen from the real binary.</summary>
public sealed class ClaudeParserEdgeTests
{
    private readonly ClaudeStreamJsonParser parser = new();

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"assistant\"")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"type\":\"result\"} {\"type\":\"result\"}")]
    [InlineData("{\"type\":\"result\"} trailing")]
    [InlineData("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"x\",\"tools\":[\"Bash\",}")]
    public void A_line_that_is_not_one_json_object_is_malformed_and_kept(string line)
    {
        var e = Assert.Single(parser.Parse(Encoding.UTF8.GetBytes(line)));
        var malformed = Assert.IsType<AgentMalformedLine>(e);
        Assert.Equal(line, malformed.Raw);
        Assert.False(string.IsNullOrWhiteSpace(malformed.Problem));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"subtype\":\"init\"}")]
    [InlineData("{\"type\":5}")]
    [InlineData("{\"type\":null}")]
    public void An_object_without_a_string_type_is_malformed(string line)
    {
        var malformed = Assert.IsType<AgentMalformedLine>(Assert.Single(parser.Parse(Encoding.UTF8.GetBytes(line))));
        Assert.Contains("type", malformed.Problem);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_in_a_text_become_replacement_characters()
    {
        // Tool output can hold anything; losing the whole message over one bad byte would be worse.
        byte[] line = [.. "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a"u8, 0xC3, 0x28, 0xFF, .. "b\"}]}}"u8];
        Assert.Equal(new AgentText("a\uFFFD(\uFFFDb"), Assert.Single(parser.Parse(line)));
    }

    [Fact]
    public void A_line_that_fails_halfway_through_its_blocks_is_only_malformed()
    {
        // The first block decodes; the second holds an escaped lone byte that is not UTF-8 once unescaped.
        byte[] line = [.. "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"fine\"},{\"type\":\"text\",\"text\":\"\\n"u8, 0xFF, .. "\"}]}}"u8];
        var events = new List<AgentEvent> { new AgentText("from an earlier line") };

        parser.Parse(line, events);

        Assert.Equal(2, events.Count);
        Assert.Equal(new AgentText("from an earlier line"), events[0]);
        Assert.IsType<AgentMalformedLine>(events[1]);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_outside_strings_are_malformed()
    {
        byte[] line = [.. "{\"type\":\"result\","u8, 0xFF, .. "}"u8];
        Assert.IsType<AgentMalformedLine>(Assert.Single(parser.Parse(line)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r")]
    public void A_blank_line_has_no_events(string line) => Assert.Empty(parser.Parse(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void A_line_ending_in_carriage_return_parses() =>
        Assert.IsType<AgentText>(Assert.Single(parser.Parse(
            "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}\r"u8)));

    [Fact]
    public void An_unknown_type_is_kept_with_its_raw_json()
    {
        const string line = "{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"allowed\"},\"uuid\":\"u\"}";
        Assert.Equal(new AgentUnknown("rate_limit_event", line), Assert.Single(parser.Parse(Encoding.UTF8.GetBytes(line))));
    }

    [Fact]
    public void An_unknown_system_subtype_is_named_by_type_and_subtype()
    {
        // permission_denied was the example here until it got its own event (ClaudePermissionLineTests).
        const string line = "{\"type\":\"system\",\"subtype\":\"hook_started\",\"hook_name\":\"PreToolUse\",\"session_id\":\"s\"}";
        Assert.Equal(new AgentUnknown("system/hook_started", line), Assert.Single(parser.Parse(Encoding.UTF8.GetBytes(line))));
    }

    [Fact]
    public void An_assistant_message_with_several_blocks_is_several_events_in_order()
    {
        var events = parser.Parse("""
            {"type":"assistant","message":{"content":[{"type":"thinking","thinking":"Let me look.","signature":"abc"},{"type":"text","text":"I will list files."},{"type":"tool_use","id":"toolu_9","name":"Bash","input":{"command":"ls -la","timeout":5}},{"type":"redacted_thinking","data":"xyz"}]},"session_id":"s"}
            """u8);

        Assert.Equal(
            [
                new AgentThinking("Let me look."),
                new AgentText("I will list files."),
                new AgentToolUse("toolu_9", "Bash", "{\"command\":\"ls -la\",\"timeout\":5}"),
                new AgentUnknown("assistant/redacted_thinking", "{\"type\":\"redacted_thinking\",\"data\":\"xyz\"}"),
            ],
            events);
    }

    [Fact]
    public void Escaped_strings_are_decoded()
    {
        var e = Assert.Single(parser.Parse("""
            {"message":{"content":[{"text":"line 1\nline \"2\" \u00b7 \ud83d\ude00 \\ done","type":"text"}]},"type":"assistant"}
            """u8));
        Assert.Equal(new AgentText("line 1\nline \"2\" · 😀 \\ done"), e);
    }

    [Fact]
    public void A_tool_result_made_of_blocks_is_their_text_joined()
    {
        var e = Assert.Single(parser.Parse("""
            {"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[{"type":"text","text":"first"},{"type":"image","source":{}},{"type":"text","text":"last"}]}]}}
            """u8));
        Assert.Equal(new AgentToolResult("t1", "first\n[image]\nlast", true), e);
    }

    [Fact]
    public void A_user_message_without_tool_results_has_no_events()
    {
        Assert.Empty(parser.Parse("""
            {"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user]"}]},"session_id":"s"}
            """u8));
        Assert.Empty(parser.Parse("""{"type":"user","message":{"role":"user","content":"plain prompt"}}"""u8));
    }

    [Fact]
    public void An_api_error_message_carries_its_status_and_detail()
    {
        // 2.1.328 after its retries against an HTTP 401 and against a closed port.
        var refused = parser.Parse("""
            {"type":"assistant","message":{"model":"<synthetic>","content":[{"type":"text","text":"Failed to authenticate. API Error: 401 nope"}]},"session_id":"s","error":"authentication_failed","is_api_error_message":true,"api_error_status":401,"api_error_type":"authentication_error"}
            """u8);
        var unreachable = parser.Parse("""
            {"type":"assistant","message":{"content":[{"type":"text","text":"API Error: Connection refused"}]},"error":"server_error","is_api_error_message":true,"api_error":"connection_failed"}
            """u8);

        Assert.Equal(new AgentApiError("authentication_failed", "Failed to authenticate. API Error: 401 nope") { Status = 401, CredentialsRefused = true }, Assert.Single(refused));
        Assert.Equal(new AgentApiError("server_error", "API Error: Connection refused") { Detail = "connection_failed", NoAnswer = true }, Assert.Single(unreachable));
    }

    [Fact]
    public void A_retry_after_an_http_error_carries_the_status()
    {
        var e = Assert.Single(parser.Parse("""
            {"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":506,"error_status":401,"error":"authentication_failed","session_id":"s"}
            """u8));
        Assert.Equal(new AgentApiRetry(1, 1, 506, 401, "authentication_failed") { CredentialsRefused = true }, e);
    }

    [Fact]
    public void A_result_counts_its_permission_denials_and_reads_every_usage_field()
    {
        var e = Assert.Single(parser.Parse("""
            {"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"Done?","session_id":"s","total_cost_usd":1.5e-3,"usage":{"input_tokens":7,"cache_creation_input_tokens":3,"cache_read_input_tokens":2,"output_tokens":4,"server_tool_use":{"web_search_requests":0}},"permission_denials":[{"tool_name":"Bash","tool_use_id":"t","tool_input":{"command":"rm -rf x"}},{"tool_name":"Write"}]}
            """u8));
        Assert.Equal(new AgentTurnResult(false, "success", 0.0015m, new TokenUsage(7, 4, 2, 3), 2, 2, "Done?", "s"), e);
    }

    [Fact]
    public void An_interrupted_turn_is_an_error_result_without_text()
    {
        var e = Assert.Single(parser.Parse("""
            {"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":2,"result":null,"session_id":"s","total_cost_usd":0.00036,"terminal_reason":"aborted_streaming"}
            """u8));
        Assert.Equal(new AgentTurnResult(true, "error_during_execution", 0.00036m, TokenUsage.Zero, 2, 0, null, "s"), e);
    }

    [Fact]
    public void Values_of_the_wrong_kind_are_ignored_not_fatal()
    {
        var e = Assert.Single(parser.Parse("""
            {"type":"result","subtype":7,"is_error":"yes","num_turns":"two","result":{"a":1},"total_cost_usd":"free","usage":[1],"permission_denials":{}}
            """u8));
        Assert.Equal(new AgentTurnResult(false, null, 0m, TokenUsage.Zero, 0, 0, null, null), e);
    }

    [Fact]
    public void A_huge_valid_line_is_parsed_whole()
    {
        var output = new string('x', 5 * 1024 * 1024);
        var line = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"user\",\"message\":{{\"content\":[{{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"{output}\"}}]}}}}");
        Assert.Equal(new AgentToolResult("t", output, false), Assert.Single(parser.Parse(line)));
    }

    [Fact]
    public void A_huge_malformed_line_keeps_only_a_bounded_raw()
    {
        var line = Encoding.UTF8.GetBytes("{\"type\":\"assistant\",\"junk\":\"" + new string('y', 1_000_000));
        var malformed = Assert.IsType<AgentMalformedLine>(Assert.Single(parser.Parse(line)));
        Assert.Equal(AgentMalformedLine.MaxRawChars, malformed.Raw.Length);
        Assert.StartsWith("{\"type\":\"assistant\"", malformed.Raw);
    }

    [Fact]
    public void Deeply_nested_tool_input_is_fine()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var line = Encoding.UTF8.GetBytes($"{{\"type\":\"assistant\",\"message\":{{\"content\":[{{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"X\",\"input\":{nested}}}]}}}}");
        Assert.Equal(new AgentToolUse("t", "X", nested), Assert.Single(parser.Parse(line)));
    }
}
