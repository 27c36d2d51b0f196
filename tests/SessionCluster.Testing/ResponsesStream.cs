using System.Text;
using System.Text.Json;

namespace SessionCluster.Testing;

// The OpenAI Responses API stream as codex-cli 0.169.0 consumes it (measured 2026-12-02 against codex app-server):
// - It calls POST /v1/responses with "stream": true, Accept: text/event-stream, Authorization: Bearer <env_key's value>.
//   Under app-server it made no WebSocket attempt (no GET) and no side request: every request offers its tools
//   (exec_command, write_stdin, request_user_input, view_image, ..., web_search).
// - The least that completes a model call: response.created, one response.output_item.done per output item,
//   response.completed with response.usage (input_tokens, output_tokens, total_tokens and their *_details).
//   The usage is what app-server reports as thread/tokenUsage/updated. This stream also sends what the real API
//   sends around them (response.in_progress, output_item.added, content_part.added/done, output_text.delta/done,
//   function_call_arguments.delta/done); codex accepts them.
// - A message item: {"type":"message","role":"assistant","id":..,"content":[{"type":"output_text","text":..}]}
//   becomes an agentMessage item. A function_call item {"type":"function_call","name":"exec_command",
//   "call_id":..,"arguments":"{\"cmd\":\"..\"}"} is run (as /bin/bash -lc '<cmd>' in the thread's cwd) and the next
//   request carries {"type":"function_call_output","call_id":..,"output":"..Process exited with code 0.."}.

/// <summary>Writes one Responses API answer as server-sent events.</summary>
internal sealed class ResponsesStream(HttpResponse response, string model)
{
    private const int InputTokens = 10;
    private const int OutputTokens = 5;

    private readonly string responseId = $"resp_{Guid.NewGuid():N}";
    private readonly List<object> output = [];
    private int sequence;

    public async Task StartAsync(CancellationToken cancel)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await EventAsync("response.created", new { response = Response("in_progress", usage: null) }, cancel);
        await EventAsync("response.in_progress", new { response = Response("in_progress", usage: null) }, cancel);
    }

    public async Task MessageAsync(IEnumerable<string> chunks, TimeSpan delayPerChunk, CancellationToken cancel)
    {
        var index = output.Count;
        var id = $"msg_{Guid.NewGuid():N}";
        await EventAsync("response.output_item.added", new
        {
            output_index = index,
            item = new { type = "message", id, status = "in_progress", role = "assistant", content = Array.Empty<object>() },
        }, cancel);
        await EventAsync("response.content_part.added", new
        {
            item_id = id, output_index = index, content_index = 0, part = OutputText(""),
        }, cancel);
        var all = new StringBuilder();
        foreach (var chunk in chunks)
        {
            if (delayPerChunk > TimeSpan.Zero)
            {
                await Task.Delay(delayPerChunk, cancel);
            }

            all.Append(chunk);
            await EventAsync("response.output_text.delta", new { item_id = id, output_index = index, content_index = 0, delta = chunk }, cancel);
        }

        var text = all.ToString();
        await EventAsync("response.output_text.done", new { item_id = id, output_index = index, content_index = 0, text }, cancel);
        await EventAsync("response.content_part.done", new
        {
            item_id = id, output_index = index, content_index = 0, part = OutputText(text),
        }, cancel);
        await ItemDoneAsync(new { type = "message", id, status = "completed", role = "assistant", content = new[] { OutputText(text) } }, cancel);
    }

    public async Task FunctionCallAsync(string callId, string name, object arguments, CancellationToken cancel)
    {
        var index = output.Count;
        var id = $"fc_{Guid.NewGuid():N}";
        var json = JsonSerializer.Serialize(arguments);
        await EventAsync("response.output_item.added", new
        {
            output_index = index,
            item = new { type = "function_call", id, status = "in_progress", call_id = callId, name, arguments = "" },
        }, cancel);

        // Split as the real API does, so the agent has to join the fragments (or wait for the whole item).
        var half = json.Length / 2;
        await EventAsync("response.function_call_arguments.delta", new { item_id = id, output_index = index, delta = json[..half] }, cancel);
        await EventAsync("response.function_call_arguments.delta", new { item_id = id, output_index = index, delta = json[half..] }, cancel);
        await EventAsync("response.function_call_arguments.done", new { item_id = id, output_index = index, arguments = json }, cancel);
        await ItemDoneAsync(new { type = "function_call", id, status = "completed", call_id = callId, name, arguments = json }, cancel);
    }

    public Task EndAsync(CancellationToken cancel) =>
        EventAsync("response.completed", new
        {
            response = Response("completed", new
            {
                input_tokens = InputTokens,
                input_tokens_details = new { cached_tokens = 0 },
                output_tokens = OutputTokens,
                output_tokens_details = new { reasoning_tokens = 0 },
                total_tokens = InputTokens + OutputTokens,
            }),
        }, cancel);

    private static object OutputText(string text) => new { type = "output_text", text, annotations = Array.Empty<object>() };

    private object Response(string status, object? usage) => new
    {
        id = responseId,
        @object = "response",
        created_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        status,
        model,
        output = output.ToArray(),
        usage,
    };

    private async Task ItemDoneAsync(object item, CancellationToken cancel)
    {
        var index = output.Count;
        output.Add(item);
        await EventAsync("response.output_item.done", new { output_index = index, item }, cancel);
    }

    private async Task EventAsync(string type, object fields, CancellationToken cancel)
    {
        // Every event's data repeats its name as "type" and carries a rising sequence_number, as the real API's do.
        var data = JsonSerializer.SerializeToNode(fields)!.AsObject();
        data.Insert(0, "type", type);
        data["sequence_number"] = sequence++;
        await response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n", cancel);
        await response.Body.FlushAsync(cancel);
    }
}
