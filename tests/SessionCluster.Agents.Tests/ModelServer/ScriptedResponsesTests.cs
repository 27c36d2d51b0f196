using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.ModelServer;

/// <summary>The scripted model server's Responses API (what codex calls), as a plain HTTP client sees it.</summary>
public sealed class ScriptedResponsesTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Text_streams_as_a_message_item_between_created_and_completed_with_usage()
    {
        await using var server = await ScriptedModelServer.StartAsync(Text("hello there"));

        var events = await EventsAsync(server, Turn("hi"));

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.done", "response.content_part.done",
             "response.output_item.done", "response.completed"],
            events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        var item = events.Single(e => e.Name == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal(("message", "assistant", "hello there"), (
            item.GetProperty("type").GetString(), item.GetProperty("role").GetString(),
            item.GetProperty("content")[0].GetProperty("text").GetString()));
        var usage = events[^1].Data.GetProperty("response").GetProperty("usage");
        Assert.Equal((10, 5, 15), (usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
    }

    [Fact]
    public async Task An_exec_command_streams_as_a_function_call_whose_arguments_join_to_the_input()
    {
        await using var server = await ScriptedModelServer.StartAsync(ToolUse("exec_command", new { cmd = "ls -l" }, "call_7"));

        var events = await EventsAsync(server, Turn("list"));

        var deltas = string.Concat(events.Where(e => e.Name == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        var item = events.Single(e => e.Name == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal(("function_call", "exec_command", "call_7"), (
            item.GetProperty("type").GetString(), item.GetProperty("name").GetString(), item.GetProperty("call_id").GetString()));
        Assert.Equal("""{"cmd":"ls -l"}""", item.GetProperty("arguments").GetString());
        Assert.Equal(item.GetProperty("arguments").GetString(), deltas);
        Assert.Equal("response.completed", events[^1].Name);
    }

    [Fact]
    public async Task The_next_request_shows_the_function_call_output_and_the_last_user_text()
    {
        await using var server = await ScriptedModelServer.StartAsync();

        await EventsAsync(server, new
        {
            model = "m",
            stream = true,
            tools = new[] { new { type = "function", name = "exec_command" } },
            input = new object[]
            {
                new { type = "message", role = "user", content = new[] { new { type = "input_text", text = "run it" } } },
                new { type = "function_call", call_id = "call_1", name = "exec_command", arguments = "{}" },
                new { type = "function_call_output", call_id = "call_1", output = "Process exited with code 0" },
            },
        });

        var request = Assert.Single(server.TurnRequests);
        Assert.True(request.IsResponses);
        Assert.Equal(["run it"], request.UserTexts);
        Assert.Equal([new ModelFunctionCallOutput("call_1", "Process exited with code 0")], request.FunctionCallOutputs);
    }

    [Theory]
    [InlineData(401, "invalid_api_key")]
    [InlineData(500, null)]
    public async Task An_http_status_answers_with_the_openai_error_body(int status, string? code)
    {
        await using var server = await ScriptedModelServer.StartAsync(HttpStatus(status, "scripted failure"));

        using var response = await Http.PostAsJsonAsync($"{server.ResponsesBaseUrl}/responses", Turn("hi"));

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("scripted failure", error.GetProperty("message").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    private static object Turn(string text) => new
    {
        model = "m",
        stream = true,
        tools = new[] { new { type = "function", name = "exec_command" } },
        input = new[] { new { type = "message", role = "user", content = new[] { new { type = "input_text", text } } } },
    };

    private static async Task<List<(string Name, JsonElement Data)>> EventsAsync(ScriptedModelServer server, object body)
    {
        using var response = await Http.PostAsJsonAsync($"{server.ResponsesBaseUrl}/responses", body);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (
                lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
                JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement.Clone()))
            .ToList();
    }
}
