using SessionCluster.Agents.CodexAppServer;

namespace SessionCluster.Agents.Tests.CodexAppServer;

/// <summary>Every line the client writes, checked against the schema the real codex app-server prints.</summary>
public sealed class CodexRequestSchemaTests
{
    public static TheoryData<string, CodexRequest> Requests => new()
    {
        { "initialize", new CodexInitialize(new CodexClientInfo("sessioncluster", "1.0.0")) },
        { "thread/start", new CodexThreadStart("/tmp/work", "gpt-5", "workspace-write", "never") },
        { "thread/start", new CodexThreadStart() },
        { "turn/start", CodexTurnStart.Text("thread-1", "Write a file") },
        { "turn/interrupt", new CodexTurnInterrupt("thread-1", "turn-1") },
        { "thread/resume", new CodexThreadResume("thread-1", "/tmp/work", "gpt-5", "read-only", "on-request") },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void A_request_line_is_valid_against_the_schema(string method, CodexRequest request)
    {
        var line = JsonRpcLine.Request(7, request);

        Assert.Equal(method, request.Method);
        Assert.DoesNotContain('\n', line);
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, line));
    }

    [Fact]
    public void The_initialized_notification_is_valid_against_the_schema()
    {
        var line = JsonRpcLine.Notification(new CodexInitialized());

        Assert.Equal("""{"method":"initialized"}""", line);
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientNotification, line));
    }

    [Fact]
    public void Unset_fields_are_left_out_and_the_method_is_not_a_param()
    {
        Assert.Equal(
            """{"id":3,"method":"thread/start","params":{"cwd":"/w","sandbox":"workspace-write","approvalPolicy":"never"}}""",
            JsonRpcLine.Request(3, new CodexThreadStart("/w", Sandbox: "workspace-write", ApprovalPolicy: "never")));
        Assert.Equal(
            """{"id":4,"method":"turn/start","params":{"threadId":"t","input":[{"type":"text","text":"hi"}]}}""",
            JsonRpcLine.Request(4, CodexTurnStart.Text("t", "hi")));
    }

    [Theory]
    [InlineData("""{"id":1,"method":"thread/start","params":{"workingDirectory":"/w"}}""")]
    [InlineData("""{"id":1,"method":"thread/start","params":{"sandbox":"workspace"}}""")]
    [InlineData("""{"id":1,"method":"turn/start","params":{"threadId":"t","input":[{"type":"text","content":"hi"}]}}""")]
    [InlineData("""{"id":1,"method":"turn/interrupt","params":{"threadId":"t"}}""")]
    [InlineData("""{"id":1,"method":"thread/begin","params":{}}""")]
    public void The_check_refuses_a_field_or_value_codex_does_not_know(string line)
    {
        Assert.NotEmpty(CodexSchema.Problems(CodexSchema.ClientRequest, line));
    }
}
