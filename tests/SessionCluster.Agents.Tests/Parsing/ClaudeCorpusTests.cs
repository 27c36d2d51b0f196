using System.Text;
using System.Text.Json;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;

namespace SessionCluster.Agents.Tests.Parsing;

/// <summary>The Claude parser on real transcripts.</summary>
public sealed class ClaudeCorpusTests
{
    private const string Cwd = "/home/user/project";
    private const string Model = "claude-opus-5-5";

    [Theory]
    [MemberData(nameof(CorpusFiles.Claude), MemberType = typeof(CorpusFiles))]
    public void Every_line_of_a_claude_transcript_is_understood(string file)
    {
        var lines = CorpusFiles.Lines(file);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var events = new ClaudeStreamJsonParser().Parse(line);
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.False(e is AgentMalformedLine or AgentUnknown, $"{file}: {e}"));
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles.Codex), MemberType = typeof(CorpusFiles))]
    public void A_line_of_another_protocol_is_kept_whole_as_unknown(string file)
    {
        foreach (var line in CorpusFiles.Lines(file))
        {
            var e = Assert.Single(new ClaudeStreamJsonParser().Parse(line));
            var unknown = Assert.IsType<AgentUnknown>(e);
            Assert.Equal(Encoding.UTF8.GetString(line), unknown.RawJson);
            using var json = JsonDocument.Parse(line);
            Assert.Equal(json.RootElement.GetProperty("type").GetString(), unknown.Type);
        }
    }

    [Fact]
    public void A_simple_turn_is_init_text_and_result()
    {
        const string id = "2b81c587-cd60-4204-b266-fddde1100516";
        Assert.Equal(
            [
                new AgentInit(id, Model, Cwd),
                new AgentText("Hello from mock"),
                new AgentTurnResult(false, "success", 0.00014000000000000001m, new TokenUsage(10, 5, 0, 0), 1, 0, "Hello from mock", id),
            ],
            CorpusFiles.Parse("claude-simple.jsonl"));
    }

    [Fact]
    public void A_tool_turn_has_the_tool_use_and_its_result_in_order()
    {
        const string id = "81a87cba-3b05-4b5a-a02c-d2ae08e41fb7";
        var events = CorpusFiles.Parse("claude-tool-use.jsonl");

        Assert.Equal(6, events.Count);
        Assert.Equal(new AgentInit(id, Model, Cwd), events[0]);
        Assert.Equal(new AgentText("I will run a command."), events[1]);
        var use = Assert.IsType<AgentToolUse>(events[2]);
        Assert.Equal(("toolu_01", "Bash"), (use.ToolUseId, use.Name));
        using (var input = JsonDocument.Parse(use.InputJson))
        {
            Assert.Equal("echo hello", input.RootElement.GetProperty("command").GetString());
        }

        Assert.Equal(new AgentToolResult("toolu_01", "hello", false), events[3]);
        Assert.Equal(new AgentText("The command printed hello."), events[4]);
        Assert.Equal(
            new AgentTurnResult(false, "success", 0.0016m, new TokenUsage(200, 40, 0, 0), 2, 0, "The command printed hello.", id),
            events[5]);
    }

    [Fact]
    public void Each_turn_of_a_multi_turn_session_has_its_own_init_and_result_with_the_cost_so_far()
    {
        var events = CorpusFiles.Parse("claude-multi-turn.jsonl");

        var inits = events.OfType<AgentInit>().ToList();
        Assert.Equal(2, inits.Count);
        Assert.All(inits, i => Assert.Equal("06b42ea2-9ca5-4d33-9533-593fda2cc46f", i.AgentSessionId));
        Assert.Equal(
            [0.00014000000000000001m, 0.00028000000000000003m],
            events.OfType<AgentTurnResult>().Select(r => r.TotalCostUsd));
    }

    [Fact]
    public void Not_logged_in_is_an_api_error_then_an_error_result()
    {
        var events = CorpusFiles.Parse("claude-not-logged-in.jsonl");

        Assert.Equal(3, events.Count);
        Assert.IsType<AgentInit>(events[0]);
        Assert.Equal(new AgentApiError("authentication_failed", "Not logged in · Please run /login") { CredentialsRefused = true }, events[1]);
        var result = Assert.IsType<AgentTurnResult>(events[2]);
        Assert.True(result.IsError);
        Assert.Equal("Not logged in · Please run /login", result.ResultText);
        Assert.Equal(TokenUsage.Zero, result.Usage);
    }

    [Fact]
    public void An_unreachable_api_is_a_series_of_retries_without_a_status()
    {
        var retries = CorpusFiles.Parse("claude-api-unreachable-truncated.jsonl").OfType<AgentApiRetry>().ToList();

        Assert.Equal([1, 2, 3, 4, 5, 6], retries.Select(r => r.Attempt));
        Assert.Equal([525, 1142, 2059, 4670, 8263, 18213], retries.Select(r => r.RetryDelayMs));
        Assert.All(retries, r => Assert.Equal((10, null, "unknown"), (r.MaxRetries, r.ErrorStatus, r.Error)));
    }
}
