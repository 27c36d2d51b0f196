using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using SessionCluster.Agents.CodexAppServer;
using SessionCluster.Agents.Tests.CodexAppServer;
using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.Drivers;

/// <summary><see cref="CodexConversation"/> on canned app-server lines: what it answers, and what it makes of them.</summary>
public sealed class CodexConversationTests
{
    private const string Thread = """{"id":1,"result":{"thread":{"id":"th-1"},"model":"gpt-x","cwd":"/w"}}""";

    [Fact]
    public void The_start_is_initialize_then_initialized_and_thread_start_then_the_prompt_as_turn_start()
    {
        var conversation = Conversation(PermissionMode.AcceptEdits);
        Assert.Equal("initialize", Method(CodexConversation.InitializeLine("1.2.3")));

        var (_, afterInit) = Read(conversation, """{"id":0,"result":{"userAgent":"x","codexHome":"/h"}}""");
        Assert.Equal("""{"method":"initialized"}""", afterInit[0]);
        var start = JsonDocument.Parse(afterInit[1]).RootElement;
        Assert.Equal(("thread/start", "on-request", "workspace-write", "/w"), (
            start.GetProperty("method").GetString(),
            start.GetProperty("params").GetProperty("approvalPolicy").GetString(),
            start.GetProperty("params").GetProperty("sandbox").GetString(),
            start.GetProperty("params").GetProperty("cwd").GetString()));
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, afterInit[1]));

        var (events, afterThread) = Read(conversation, Thread);
        Assert.Equal(new AgentInit("th-1", "gpt-x", "/w"), Assert.Single(events));
        var turn = JsonDocument.Parse(Assert.Single(afterThread)).RootElement;
        Assert.Equal(("turn/start", "th-1", "do it"), (
            turn.GetProperty("method").GetString(),
            turn.GetProperty("params").GetProperty("threadId").GetString(),
            turn.GetProperty("params").GetProperty("input")[0].GetProperty("text").GetString()));
        Assert.Throws<InvalidOperationException>(() => conversation.Respond("too soon"));
    }

    [Fact]
    public void A_resume_opens_the_thread_it_names()
    {
        var conversation = Conversation(resume: new ResumeLink("earlier", "th-old"));
        var (_, replies) = Read(conversation, """{"id":0,"result":{}}""");

        var resume = JsonDocument.Parse(replies[1]).RootElement;
        Assert.Equal(("thread/resume", "th-old"), (resume.GetProperty("method").GetString(), resume.GetProperty("params").GetProperty("threadId").GetString()));
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, replies[1]));
    }

    [Theory]
    [InlineData(PermissionMode.Ask, "untrusted", "workspace-write")]
    [InlineData(PermissionMode.AcceptEdits, "on-request", "workspace-write")]
    [InlineData(PermissionMode.Bypass, "never", "danger-full-access")]
    [InlineData(PermissionMode.Plan, "never", "read-only")]
    public void Each_mode_is_an_approval_policy_and_a_sandbox_codex_knows(PermissionMode mode, string approval, string sandbox)
    {
        Assert.Equal((approval, sandbox), CodexDriver.Policy(mode));
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, JsonRpcLine.Request(1, new CodexThreadStart("/w", null, sandbox, approval))));
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, JsonRpcLine.Request(1, new CodexThreadResume("t", "/w", null, sandbox, approval))));
    }

    [Fact]
    public void A_turn_reports_its_items_and_ends_with_its_own_usage_and_last_message()
    {
        var conversation = Started();
        var (events, _) = Read(
            conversation,
            """{"id":2,"result":{"turn":{"id":"tu-1"}}}""",
            """{"method":"turn/started","params":{"threadId":"th-1","turn":{"id":"tu-1"}}}""",
            """{"method":"item/started","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"commandExecution","id":"c1","command":"ls","status":"inProgress","exitCode":null}}}""",
            """{"method":"item/completed","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"commandExecution","id":"c1","command":"ls","aggregatedOutput":"a.txt\n","exitCode":0,"status":"completed"}}}""",
            """{"method":"item/completed","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"fileChange","id":"f1","status":"completed","changes":[{"path":"/w/a.txt","kind":{"type":"add"},"diff":""}]}}}""",
            """{"method":"item/completed","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"reasoning","id":"r1","summary":["thinking"],"content":[]}}}""",
            """{"method":"item/agentMessage/delta","params":{"threadId":"th-1","turnId":"tu-1","itemId":"m1","delta":"Do"}}""",
            """{"method":"item/completed","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"agentMessage","id":"m1","text":"Done."}}}""",
            """{"method":"thread/tokenUsage/updated","params":{"threadId":"th-1","turnId":"tu-1","tokenUsage":{"total":{"inputTokens":30,"cachedInputTokens":4,"outputTokens":7,"reasoningOutputTokens":0,"totalTokens":37},"last":{"inputTokens":30,"cachedInputTokens":4,"outputTokens":7,"reasoningOutputTokens":0,"totalTokens":37}}}}""",
            """{"method":"turn/plan/updated","params":{"threadId":"th-1","turnId":"tu-1","plan":[{"step":"look","status":"completed"}]}}""",
            """{"method":"something/new","params":{"x":1}}""",
            """{"method":"turn/completed","params":{"threadId":"th-1","turn":{"id":"tu-1","status":"completed"}}}""");

        Assert.Equal(
            [
                new AgentToolUse("c1", "command", """{"command":"ls"}"""),
                new AgentCommand("c1", "ls", "a.txt\n", 0, "completed"),
                new AgentThinking("thinking"),
                new AgentText("Done."),
                new AgentPlan("[completed] look"),
            ],
            events.Where(e => e is AgentToolUse or AgentCommand or AgentThinking or AgentText or AgentPlan));
        Assert.Equal(["/w/a.txt"], Assert.Single(events.OfType<AgentFileChange>()).Paths);
        Assert.Equal("something/new", Assert.Single(events.OfType<AgentUnknown>()).Type);
        Assert.Equal(new AgentTurnResult(false, "completed", 0m, new TokenUsage(26, 7, 4, 0), 1, 0, "Done.", "th-1"), events[^1]);

        var respond = conversation.Respond("next");
        Assert.Equal("turn/start", Method(respond));
        Assert.Throws<InvalidOperationException>(() => conversation.Respond("while busy"));
    }

    [Fact]
    public void An_approval_request_is_a_permission_request_and_the_answers_are_accept_accept_for_session_and_decline()
    {
        var conversation = Started();
        var (events, _) = Read(
            conversation,
            """{"id":2,"result":{"turn":{"id":"tu-1"}}}""",
            """{"id":"req-7","method":"item/commandExecution/requestApproval","params":{"threadId":"th-1","turnId":"tu-1","itemId":"c1","startedAtMs":1,"command":"rm -rf build"}}""",
            """{"method":"item/started","params":{"threadId":"th-1","turnId":"tu-1","item":{"type":"fileChange","id":"f1","status":"inProgress","changes":[{"path":"/w/b.txt","kind":{"type":"add"},"diff":""}]}}}""",
            """{"id":8,"method":"item/fileChange/requestApproval","params":{"threadId":"th-1","turnId":"tu-1","itemId":"f1","startedAtMs":1}}""");

        var requests = events.OfType<AgentPermissionRequest>().ToList();
        Assert.Equal([("req-7", "command", "rm -rf build"), ("8", "file_change", "/w/b.txt")], requests.Select(r => (r.RequestId, r.Tool, r.Summary)));

        var allow = conversation.AnswerPermission(requests[0], allow: true, null, remember: true);
        Assert.Equal("""{"id":"req-7","result":{"decision":"acceptForSession"}}""", allow);
        Assert.Empty(CodexSchema.Problems(CodexSchema.Load("CommandExecutionRequestApprovalResponse.json"), Result(allow)));
        var deny = conversation.AnswerPermission(requests[1], allow: false, "no", remember: false);
        Assert.Equal("""{"id":8,"result":{"decision":"decline"}}""", deny);
        Assert.Empty(CodexSchema.Problems(CodexSchema.Load("FileChangeRequestApprovalResponse.json"), Result(deny)));
        Assert.Throws<InvalidOperationException>(() => conversation.AnswerPermission(requests[1], true, null, false));

        var (end, _) = Read(conversation, """{"method":"turn/completed","params":{"threadId":"th-1","turn":{"id":"tu-1","status":"completed"}}}""");
        Assert.Equal(1, Assert.IsType<AgentTurnResult>(Assert.Single(end)).PermissionDenials);
    }

    [Fact]
    public void A_permissions_request_is_granted_as_asked_or_not_at_all()
    {
        var conversation = Started();
        var (events, _) = Read(
            conversation,
            """{"id":9,"method":"item/permissions/requestApproval","params":{"threadId":"th-1","turnId":"tu-1","itemId":"p1","startedAtMs":1,"cwd":"/w","reason":"needs the network","permissions":{"network":{"enabled":true}}}}""");
        var request = Assert.IsType<AgentPermissionRequest>(Assert.Single(events));
        Assert.Equal("permissions", request.Tool);

        var schema = CodexSchema.Load("PermissionsRequestApprovalResponse.json");
        var allow = conversation.AnswerPermission(request, allow: true, null, remember: true);
        Assert.Equal("""{"id":9,"result":{"permissions":{"network":{"enabled":true}},"scope":"session"}}""", allow);
        Assert.Empty(CodexSchema.Problems(schema, Result(allow)));
    }

    [Fact]
    public void A_request_user_input_is_a_question_and_the_next_respond_answers_every_question_of_it()
    {
        var conversation = Started();
        var (events, _) = Read(
            conversation,
            """{"id":2,"result":{"turn":{"id":"tu-1"}}}""",
            """{"id":12,"method":"item/tool/requestUserInput","params":{"threadId":"th-1","turnId":"tu-1","itemId":"q1","isBlocking":true,"questions":[{"id":"colour","header":"Colour","question":"Which colour?","options":[{"label":"Red","description":""},{"label":"Blue","description":""}]}]}}""");

        Assert.Equal(new AgentQuestion("12", "Which colour? (Red / Blue)"), Assert.Single(events));
        var answer = conversation.Respond("Blue");
        Assert.Equal("""{"id":12,"result":{"answers":{"colour":{"answers":["Blue"]}}}}""", answer);
        Assert.Empty(CodexSchema.Problems(CodexSchema.Load("ToolRequestUserInputResponse.json"), Result(answer)));
        Assert.Throws<InvalidOperationException>(() => conversation.Respond("the turn still runs"));
    }

    [Fact]
    public void A_server_request_this_client_does_not_serve_is_refused_at_once()
    {
        var (events, replies) = Read(Started(), """{"id":5,"method":"item/tool/call","params":{}}""");

        Assert.Equal("item/tool/call", Assert.IsType<AgentUnknown>(Assert.Single(events)).Type);
        Assert.Equal("""{"id":5,"error":{"code":-32601,"message":"sessioncluster does not serve item/tool/call"}}""", Assert.Single(replies));
    }

    [Fact]
    public void An_interrupt_asks_to_stop_the_active_turn_and_its_end_closes_stdin()
    {
        var conversation = Started();
        Read(conversation, """{"id":2,"result":{"turn":{"id":"tu-1"}}}""");

        var interrupt = conversation.Interrupt();
        Assert.False(interrupt.Signal);
        Assert.Equal("turn/interrupt", Method(interrupt.Line!));
        Assert.Empty(CodexSchema.Problems(CodexSchema.ClientRequest, interrupt.Line!));

        var (events, _) = Read(conversation, """{"method":"turn/completed","params":{"threadId":"th-1","turn":{"id":"tu-1","status":"interrupted"}}}""");
        var result = Assert.IsType<AgentTurnResult>(Assert.Single(events));
        Assert.Equal((true, "interrupted"), (result.IsError, result.Subtype));
        Assert.True(conversation.EndsInputAfter(result, multiTurn: true));
    }

    [Fact]
    public void An_interrupt_before_the_turn_has_an_id_follows_its_answer_and_an_idle_one_ends_stdin()
    {
        var conversation = Started();
        Assert.Equal(AgentInterrupt.Deferred, conversation.Interrupt());
        var (_, replies) = Read(conversation, """{"id":2,"result":{"turn":{"id":"tu-1"}}}""");
        Assert.Equal("turn/interrupt", Method(Assert.Single(replies)));

        var idle = Conversation();
        Assert.Equal(AgentInterrupt.ByEndingInput, idle.Interrupt());
    }

    [Fact]
    public void Retries_and_failures_carry_the_http_status_from_codex_error_info()
    {
        var conversation = Started();
        var (events, _) = Read(
            conversation,
            """{"id":2,"result":{"turn":{"id":"tu-1"}}}""",
            """{"method":"error","params":{"threadId":"th-1","turnId":"tu-1","willRetry":true,"error":{"message":"Reconnecting... 2/5 (unexpected status 401 Unauthorized)","codexErrorInfo":{"responseStreamDisconnected":{"httpStatusCode":401}}}}}""",
            """{"method":"thread/status/changed","params":{"threadId":"th-1","status":{"type":"systemError"}}}""",
            """{"method":"error","params":{"threadId":"th-1","turnId":"tu-1","willRetry":false,"error":{"message":"boom","codexErrorInfo":"internalServerError"}}}""",
            """{"method":"turn/completed","params":{"threadId":"th-1","turn":{"id":"tu-1","status":"failed","error":{"message":"boom","codexErrorInfo":"internalServerError"}}}}""");

        var retry = Assert.Single(events.OfType<AgentApiRetry>());
        Assert.Equal((2, 5, 401, true), (retry.Attempt, retry.MaxRetries, retry.ErrorStatus, retry.CredentialsRefused));
        Assert.Equal("systemError", Assert.Single(events.OfType<AgentNotice>()).Kind);
        var error = Assert.Single(events.OfType<AgentApiError>());
        Assert.Equal(("internalServerError", "boom", null, false), (error.Error, error.Text, error.Status, error.NoAnswer));
        Assert.Equal((true, "failed", "boom"), (((AgentTurnResult)events[^1]).IsError, ((AgentTurnResult)events[^1]).Subtype, ((AgentTurnResult)events[^1]).ResultText));
    }

    [Fact]
    public void A_line_that_is_not_json_rpc_is_kept_as_malformed()
    {
        var (events, replies) = Read(Started(), "not json", """{"method":"item/started","params":{"item":{"type":"commandExecution","id":7}}}""");

        Assert.Equal(2, events.OfType<AgentMalformedLine>().Count() + events.OfType<AgentToolUse>().Count());
        Assert.Empty(replies);
    }

    private static CodexConversation Conversation(PermissionMode mode = PermissionMode.Ask, ResumeLink? resume = null) =>
        new(new AgentLaunchRequest("s-1", new LaunchSpec("codex", "do it", "/w", null, true, 0, ImmutableSortedDictionary<string, string>.Empty, mode, resume)));

    /// <summary>A conversation whose thread th-1 is open and whose prompt went out as request 2.</summary>
    private static CodexConversation Started()
    {
        var conversation = Conversation();
        Read(conversation, """{"id":0,"result":{}}""", Thread);
        return conversation;
    }

    private static (List<AgentEvent> Events, List<string> Replies) Read(IAgentConversation conversation, params string[] lines)
    {
        var events = new List<AgentEvent>();
        var replies = new List<string>();
        foreach (var line in lines)
        {
            conversation.Read(Encoding.UTF8.GetBytes(line), events, replies);
        }

        return (events, replies);
    }

    private static string Method(string line) => JsonDocument.Parse(line).RootElement.GetProperty("method").GetString()!;

    private static string Result(string line) => JsonDocument.Parse(line).RootElement.GetProperty("result").GetRawText();
}
