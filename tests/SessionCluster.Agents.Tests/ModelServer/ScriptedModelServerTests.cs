using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.ModelServer;

/// <summary>The scripted model server on its own, as a plain HTTP client sees it.</summary>
public sealed class ScriptedModelServerTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task It_listens_on_a_loopback_port_of_its_own()
    {
        await using var one = await ScriptedModelServer.StartAsync();
        await using var two = await ScriptedModelServer.StartAsync();

        Assert.StartsWith("http://127.0.0.1:", one.BaseUrl);
        Assert.NotEqual(one.BaseUrl, two.BaseUrl);
    }

    [Fact]
    public async Task Turn_requests_take_the_script_in_order_then_the_default()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("one"), Text("two"));
        server.DefaultReply = Text("default");

        Assert.Equal(["one", "two", "default", "default"], [
            await StreamedTextAsync(server, Turn("a")),
            await StreamedTextAsync(server, Turn("b")),
            await StreamedTextAsync(server, Turn("c")),
            await StreamedTextAsync(server, Turn("d")),
        ]);
    }

    [Fact]
    public async Task A_request_without_tools_is_answered_without_taking_the_script()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("for the turn"));
        server.SideReply = Text("a title");

        var side = await StreamedTextAsync(server, new { model = "m", max_tokens = 64, stream = true, messages = new[] { new { role = "user", content = "title?" } } });
        var turn = await StreamedTextAsync(server, Turn("hello"));

        Assert.Equal(("a title", "for the turn"), (side, turn));
        Assert.Equal([false, true], server.Requests.Select(r => r.IsTurn));
    }

    [Fact]
    public async Task A_stream_has_the_events_in_the_order_claude_expects()
    {
        await using var server = await ScriptedModelServer.StartAsync(ToolUse("Bash", new { command = "ls" }, "toolu_1"));

        var body = await PostAsync(server, Turn("list"));
        var events = body.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        var json = string.Concat(body.Split('\n').Where(l => l.Contains("input_json_delta")).Select(l =>
            JsonDocument.Parse(l[6..]).RootElement.GetProperty("delta").GetProperty("partial_json").GetString()));

        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events);
        Assert.Equal("{\"command\":\"ls\"}", json);
        Assert.Contains("\"stop_reason\":\"tool_use\"", body);
    }

    [Fact]
    public async Task A_non_streaming_request_gets_one_message()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("whole"));

        using var json = JsonDocument.Parse(await PostAsync(server, new { model = "m", stream = false, tools = new[] { new { name = "Bash" } }, messages = Array.Empty<object>() }));

        Assert.Equal("whole", json.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", json.RootElement.GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData(401, "authentication_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public async Task An_http_status_reply_has_the_anthropic_error_body(int status, string type)
    {
        await using var server = await ScriptedModelServer.StartAsync(HttpStatus(status, "scripted"));

        using var response = await Http.PostAsJsonAsync($"{server.BaseUrl}/v1/messages?beta=true", Turn("x"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal((type, "scripted"), (json.RootElement.GetProperty("error").GetProperty("type").GetString(), json.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Count_tokens_answers_and_anything_else_is_404()
    {
        await using var server = await ScriptedModelServer.StartAsync();

        using var count = await Http.PostAsJsonAsync($"{server.BaseUrl}/v1/messages/count_tokens?beta=true", new { messages = Array.Empty<object>() });
        using var hello = await Http.GetAsync($"{server.BaseUrl}/api/hello");

        Assert.Equal(HttpStatusCode.OK, count.StatusCode);
        Assert.Contains("input_tokens", await count.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, hello.StatusCode);
        Assert.Equal(["POST /v1/messages/count_tokens?beta=true", "GET /api/hello"], server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task Requests_are_recorded_with_what_tests_ask_of_them()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        var waiting = server.WaitForTurnRequestAsync(1, Deadlines.Script);

        await PostAsync(server, new
        {
            model = "claude-x",
            max_tokens = 1000,
            stream = true,
            tools = new[] { new { name = "Bash" } },
            messages = new object[]
            {
                new { role = "user", content = "run it" },
                new { role = "assistant", content = new[] { new { type = "tool_use", id = "t1", name = "Bash", input = new { } } } },
                new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = "t1", content = "out", is_error = true }, new { type = "text", text = "and?" } } },
            },
        });
        var request = await waiting;

        Assert.Equal(("claude-x", 1000, 3, true), (request.Model, request.MaxTokens, request.MessageCount, request.IsTurn));
        Assert.Equal(["Bash"], request.ToolNames);
        Assert.Equal([new ModelToolResult("t1", "out", true)], request.ToolResults);
        Assert.Equal(["and?"], request.UserTexts);
    }

    [Fact]
    public async Task Waiting_for_a_request_that_never_comes_times_out()
    {
        await using var server = await ScriptedModelServer.StartAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => server.WaitForTurnRequestAsync(1, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task The_unreachable_url_refuses_connections()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync($"{ScriptedModelServer.UnreachableBaseUrl()}/v1/messages"));
    }

    private static object Turn(string prompt) => new
    {
        model = "m",
        max_tokens = 1000,
        stream = true,
        tools = new[] { new { name = "Bash" } },
        messages = new[] { new { role = "user", content = prompt } },
    };

    private static async Task<string> PostAsync(ScriptedModelServer server, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync($"{server.BaseUrl}/v1/messages?beta=true", content);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> StreamedTextAsync(ScriptedModelServer server, object body) =>
        string.Concat((await PostAsync(server, body)).Split('\n')
            .Where(l => l.Contains("\"text_delta\""))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement.GetProperty("delta").GetProperty("text").GetString()));
}
