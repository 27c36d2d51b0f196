using SessionCluster.Agents.CodexAppServer;

namespace SessionCluster.Agents.Tests.CodexAppServer;

/// <summary>Lines as the real codex app-server 0.169.0 wrote them (trimmed of fields the parser ignores).</summary>
public sealed class CodexMessageParserTests
{
    [Fact]
    public void A_response_is_read_by_its_id_and_keeps_its_result()
    {
        var message = CodexMessageParser.Parse(
            """{"id":2,"result":{"thread":{"id":"01a2344f-f50b","sessionId":"01a2344f-f50b","status":{"type":"idle"}}}}""");

        var response = Assert.IsType<CodexResponse>(message);
        Assert.Equal("2", response.Id);
        Assert.Equal("01a2344f-f50b", CodexResults.ThreadId(response));
        Assert.Null(CodexResults.TurnId(response));
    }

    [Fact]
    public void An_error_response_carries_code_and_message()
    {
        var message = CodexMessageParser.Parse("""{"id":"abc","error":{"code":-32600,"message":"Not initialized"}}""");

        Assert.Equal(new CodexErrorResponse("abc", -32600, "Not initialized", message.RawJson), message);
    }

    [Fact]
    public void Turn_started_and_completed_carry_the_turn_and_its_status()
    {
        var started = CodexMessageParser.Parse(
            """{"method":"turn/started","params":{"threadId":"th","turn":{"id":"tu","items":[],"status":"inProgress","error":null}},"emittedAtMs":1}""");
        var completed = CodexMessageParser.Parse(
            """{"method":"turn/completed","params":{"threadId":"th","turn":{"id":"tu","items":[],"status":"completed","error":null,"durationMs":2837}}}""");
        var failed = CodexMessageParser.Parse(
            """{"method":"turn/completed","params":{"threadId":"th","turn":{"id":"tu","status":"failed","error":{"message":"unexpected status 401","codexErrorInfo":{"httpConnectionFailed":{"httpStatusCode":401}}}}}}""");

        Assert.Equal(new CodexTurnStarted("th", "tu", started.RawJson), started);
        Assert.Equal(new CodexTurnCompleted("th", "tu", "completed", null, null, completed.RawJson), completed);
        var failure = Assert.IsType<CodexTurnCompleted>(failed);
        Assert.Equal(("failed", "unexpected status 401"), (failure.Status, failure.ErrorMessage));
        Assert.Contains("\"httpStatusCode\":401", failure.ErrorJson);
    }

    [Fact]
    public void Items_keep_their_type_and_the_fields_of_commands_and_messages()
    {
        var command = CodexMessageParser.Parse(
            """{"method":"item/completed","params":{"item":{"type":"commandExecution","id":"call_1","command":"/bin/bash -lc 'printf codex-ok > marker.txt'","cwd":"/w","status":"completed","aggregatedOutput":"","exitCode":0,"durationMs":451},"threadId":"th","turnId":"tu"}}""");
        var message = CodexMessageParser.Parse(
            """{"method":"item/started","params":{"item":{"type":"agentMessage","id":"msg_1","text":"answer 1","phase":null},"threadId":"th","turnId":"tu"}}""");

        var run = Assert.IsType<CodexItemEvent>(command);
        Assert.True(run.Completed);
        Assert.Equal(
            ("commandExecution", "call_1", "/bin/bash -lc 'printf codex-ok > marker.txt'", 0, "completed", ""),
            (run.Item.Type, run.Item.Id, run.Item.Command, run.Item.ExitCode, run.Item.Status, run.Item.AggregatedOutput));
        var said = Assert.IsType<CodexItemEvent>(message);
        Assert.False(said.Completed);
        Assert.Equal(("agentMessage", "answer 1", "th", "tu"), (said.Item.Type, said.Item.Text, said.ThreadId, said.TurnId));
    }

    [Fact]
    public void Token_usage_has_the_thread_total_and_the_last_call()
    {
        var message = CodexMessageParser.Parse(
            """{"method":"thread/tokenUsage/updated","params":{"threadId":"th","turnId":"tu","tokenUsage":{"total":{"totalTokens":30,"inputTokens":20,"cachedInputTokens":0,"cacheWriteInputTokens":0,"outputTokens":10,"reasoningOutputTokens":0},"last":{"totalTokens":15,"inputTokens":10,"cachedInputTokens":0,"cacheWriteInputTokens":0,"outputTokens":5,"reasoningOutputTokens":0},"modelContextWindow":258400}}}""");

        var usage = Assert.IsType<CodexTokenUsageUpdated>(message);
        Assert.Equal(new CodexTokenCounts(20, 0, 10, 0, 30), usage.Total);
        Assert.Equal(new CodexTokenCounts(10, 0, 5, 0, 15), usage.Last);
        Assert.Equal(258400, usage.ModelContextWindow);
    }

    [Fact]
    public void Status_changes_and_errors_are_typed()
    {
        var status = CodexMessageParser.Parse("""{"method":"thread/status/changed","params":{"threadId":"th","status":{"type":"active","activeFlags":[]}}}""");
        var error = CodexMessageParser.Parse(
            """{"method":"error","params":{"error":{"message":"Reconnecting... 1/5","codexErrorInfo":null},"threadId":"th","turnId":"tu","willRetry":true}}""");

        Assert.Equal(new CodexThreadStatusChanged("th", "active", status.RawJson), status);
        Assert.Equal(new CodexErrorNotification("th", "tu", "Reconnecting... 1/5", true, error.RawJson), error);
    }

    [Fact]
    public void A_request_from_codex_keeps_its_id_method_and_params()
    {
        var message = CodexMessageParser.Parse(
            """{"id":0,"method":"item/commandExecution/requestApproval","params":{"threadId":"th","turnId":"tu","itemId":"call_1"}}""");

        var request = Assert.IsType<CodexServerRequest>(message);
        Assert.Equal(("0", "item/commandExecution/requestApproval"), (request.Id, request.Method));
        Assert.Contains("call_1", request.ParamsJson);
    }

    [Theory]
    [InlineData("""{"method":"remoteControl/status/changed","params":{"status":"disabled"}}""", "remoteControl/status/changed")]
    [InlineData("""{"method":"configWarning","params":{"summary":"no bubblewrap","details":null}}""", "configWarning")]
    [InlineData("""{"method":"turn/started","params":"odd"}""", "turn/started")]
    public void Unknown_methods_and_odd_params_are_kept_raw(string line, string method)
    {
        var other = Assert.IsType<CodexOtherNotification>(CodexMessageParser.Parse(line));

        Assert.Equal((method, line), (other.Method, other.RawJson));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"result":{}}""")]
    public void What_is_not_a_message_is_kept_as_an_unreadable_line(string line)
    {
        var message = CodexMessageParser.Parse(line);

        Assert.Equal(line, message.RawJson);
        Assert.IsType<CodexUnreadableLine>(message);
    }

    [Fact]
    public void A_truncated_line_is_never_parsed()
    {
        Assert.Equal(new CodexUnreadableLine("""{"id":1,"res""", true), CodexMessageParser.Parse("""{"id":1,"res"""u8, truncated: true));
    }
}
