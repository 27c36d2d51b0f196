using System.Text.Json;
using SessionCluster.Agents.EventLog;
using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.EventLog;

public sealed class AgentEventLogTests
{
    private static readonly SecretRedactor NoSecrets = SecretRedactor.None;

    public static TheoryData<AgentEvent, string, string> EveryEvent() => new()
    {
        { new AgentInit("abc", "claude-x", "/w"), EventLogTypes.TurnStarted, "agent session abc, claude-x, /w" },
        { new AgentText("Hello\nthere"), EventLogTypes.Text, "Hello there" },
        { new AgentThinking("hmm"), EventLogTypes.Thinking, "hmm" },
        { new AgentToolUse("t1", "Bash", """{"command":"ls -la","description":"list"}"""), EventLogTypes.ToolUse, "Bash: ls -la" },
        { new AgentToolUse("t2", "Edit", """{"file_path":"/w/Program.cs","old_string":"a"}"""), EventLogTypes.ToolUse, "Edit: /w/Program.cs" },
        { new AgentToolUse("t3", "Odd", """{"x":1}"""), EventLogTypes.ToolUse, """Odd: {"x":1}""" },
        { new AgentToolResult("t1", "total 0", false), EventLogTypes.ToolResult, "total 0" },
        { new AgentToolResult("t1", "no such file", true), EventLogTypes.ToolResult, "error: no such file" },
        { new AgentPermissionDenied("t1", "Bash", "not allowed"), EventLogTypes.ToolResult, "denied Bash: not allowed" },
        { new AgentCommand("i1", "rm -rf build", "", 0, "completed"), EventLogTypes.Command, "rm -rf build -> exit 0 (completed)" },
        { new AgentCommand("i2", "make", null, null, "declined"), EventLogTypes.Command, "make -> declined" },
        { new AgentFileChange("i3", ["a.cs", "b.cs"], "completed"), EventLogTypes.FileChange, "completed: a.cs, b.cs" },
        { new AgentPlan("[x] one\n[ ] two"), EventLogTypes.Plan, "[x] one [ ] two" },
        { new AgentQuestion("q1", "Which branch?"), EventLogTypes.Question, "Which branch?" },
        { new AgentPermissionRequest("r1", "Bash", "rm -rf /tmp/x", "{}"), EventLogTypes.Question, "permission for Bash: rm -rf /tmp/x" },
        { new AgentApiRetry(2, 10, 500, 529, "overloaded"), EventLogTypes.ApiRetry, "retry 2/10 in 500 ms: HTTP 529" },
        { new AgentApiRetry(1, 0, 100, null, null), EventLogTypes.ApiRetry, "retry 1 in 100 ms: no answer" },
        {
            new AgentTurnResult(false, "success", 0.0123m, new TokenUsage(1, 2, 0, 0), 3, 0, "Done.", "abc"),
            EventLogTypes.TurnCompleted, "ok, 3 model turns, $0.0123, Done."
        },
        {
            new AgentTurnResult(true, "error_max_turns", 0m, TokenUsage.Zero, 1, 2, null, null),
            EventLogTypes.TurnCompleted, "error (error_max_turns), 1 model turns, $0, 2 denials"
        },
        { new AgentApiError("authentication_failed", "Not logged in") { Status = 401 }, EventLogTypes.Error, "model API: authentication_failed, HTTP 401, Not logged in" },
        { new AgentNotice("warning", "disk almost full"), EventLogTypes.Error, "warning: disk almost full" },
        { new AgentMalformedLine("{oops", "not JSON"), EventLogTypes.Error, "malformed output line: not JSON" },
        { new AgentUnknown("rate_limit_event", """{"type":"rate_limit_event"}"""), EventLogTypes.Unknown, "rate_limit_event" },
    };

    [Theory]
    [MemberData(nameof(EveryEvent))]
    public void Every_event_has_one_type_of_the_vocabulary_and_a_one_line_summary(AgentEvent e, string type, string summary)
    {
        var entry = AgentEventLog.Describe(e, NoSecrets);

        Assert.Equal(type, entry.Type);
        Assert.Contains(entry.Type, EventLogTypes.All);
        Assert.Equal(summary, entry.Summary);
        Assert.False(entry.Truncated);
    }

    [Fact]
    public void Every_event_kind_the_parsers_produce_is_covered()
    {
        var covered = EveryEvent().Select(row => row[0].GetType()).ToHashSet();
        var kinds = typeof(AgentEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AgentEvent)) && !t.IsAbstract);

        Assert.Empty(kinds.Where(k => !covered.Contains(k)).Select(k => k.Name));
    }

    [Fact]
    public void The_raw_json_of_a_modelled_event_holds_its_fields_and_an_unknown_line_is_kept_as_it_came()
    {
        using var raw = JsonDocument.Parse(AgentEventLog.Describe(new AgentToolUse("t1", "Bash", """{"command":"ls"}"""), NoSecrets).Raw);
        Assert.Equal("Bash", raw.RootElement.GetProperty("name").GetString());
        Assert.Equal("t1", raw.RootElement.GetProperty("toolUseId").GetString());

        const string line = """{"type":"new_thing","payload":[1,2,3]}""";
        Assert.Equal(line, AgentEventLog.Describe(new AgentUnknown("new_thing", line), NoSecrets).Raw);
    }

    [Fact]
    public void A_secret_is_masked_in_the_summary_and_the_raw_json()
    {
        const string secret = "sk-live-0123456789";
        var redactor = SecretRedactor.ForEnvironment([new("MY_API_KEY", secret)]);

        var entry = AgentEventLog.Describe(new AgentToolUse("t1", "Bash", $$"""{"command":"echo {{secret}}"}"""), redactor);

        Assert.DoesNotContain(secret, entry.Summary + entry.Raw);
        Assert.Equal($"Bash: echo {SecretRedactor.Mask}", entry.Summary);
        Assert.Contains(SecretRedactor.Mask, entry.Raw);
    }

    [Fact]
    public void A_long_event_is_cut_to_the_bounds_and_says_so()
    {
        var entry = AgentEventLog.Describe(new AgentText(new string('x', 20_000)), NoSecrets);

        Assert.True(entry.Truncated);
        Assert.Equal(AgentEventLog.MaxRawChars, entry.Raw.Length);
        Assert.EndsWith("…", entry.Raw);
        Assert.Equal(AgentEventLog.MaxSummaryChars, entry.Summary.Length);
        Assert.EndsWith("…", entry.Summary);
    }

    [Fact]
    public void A_secret_at_the_cut_is_masked_before_it_is_cut()
    {
        const string secret = "tok-ABCDEFGHIJKLMNOP";
        var redactor = SecretRedactor.ForEnvironment([new("GH_TOKEN", secret)]);
        // The secret straddles the raw bound: cutting first would keep its first half.
        var text = new string('x', AgentEventLog.MaxRawChars - 20) + secret + new string('y', 100);

        var entry = AgentEventLog.Describe(new AgentText(text), redactor);

        Assert.DoesNotContain(secret[..8], entry.Raw);
        Assert.True(entry.Truncated);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var entry = AgentEventLog.Describe(new AgentText(string.Concat(Enumerable.Repeat("😀", 300))), NoSecrets);

        Assert.False(char.IsHighSurrogate(entry.Summary[^2]));
        Assert.True(entry.Summary.Length <= AgentEventLog.MaxSummaryChars);
    }

    [Fact]
    public void The_vocabulary_is_the_closed_list_the_documentation_names()
    {
        Assert.Equal(
            ["text", "thinking", "tool_use", "tool_result", "command", "file_change", "plan", "question", "api_retry", "turn_started", "turn_completed", "error", "unknown"],
            EventLogTypes.All);
        Assert.False(EventLogTypes.IsKnown("TOOL_USE"));
    }
}
