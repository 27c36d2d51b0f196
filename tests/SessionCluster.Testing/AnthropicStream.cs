using System.Text;
using System.Text.Json;

namespace SessionCluster.Testing;

/// <summary>Writes one Messages API answer, as server-sent events (a streaming request) or one JSON body.</summary>
internal sealed class AnthropicStream(HttpResponse response, string model, bool streaming)
{
    private const int InputTokens = 10;
    private const int OutputTokens = 5;

    private readonly List<object> blocks = [];
    private readonly string messageId = $"msg_{Guid.NewGuid():N}";
    private int index;

    public async Task StartAsync(CancellationToken cancel)
    {
        if (!streaming)
        {
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await EventAsync("message_start", new
        {
            type = "message_start",
            message = new
            {
                id = messageId,
                type = "message",
                role = "assistant",
                model,
                content = Array.Empty<object>(),
                stop_reason = (string?)null,
                stop_sequence = (string?)null,
                usage = new { input_tokens = InputTokens, output_tokens = 1 },
            },
        }, cancel);
    }

    public async Task TextAsync(IEnumerable<string> chunks, TimeSpan delayPerChunk, CancellationToken cancel)
    {
        var all = new StringBuilder();
        await BlockStartAsync(new { type = "text", text = "" }, cancel);
        foreach (var chunk in chunks)
        {
            if (delayPerChunk > TimeSpan.Zero)
            {
                await Task.Delay(delayPerChunk, cancel);
            }

            all.Append(chunk);
            await DeltaAsync(new { type = "text_delta", text = chunk }, cancel);
        }

        await BlockStopAsync(new { type = "text", text = all.ToString() }, cancel);
    }

    public async Task ThinkingAsync(string thinking, CancellationToken cancel)
    {
        const string signature = "c2NyaXB0ZWQ=";
        await BlockStartAsync(new { type = "thinking", thinking = "", signature = "" }, cancel);
        await DeltaAsync(new { type = "thinking_delta", thinking }, cancel);
        await DeltaAsync(new { type = "signature_delta", signature }, cancel);
        await BlockStopAsync(new { type = "thinking", thinking, signature }, cancel);
    }

    public async Task ToolUseAsync(string id, string name, object input, CancellationToken cancel)
    {
        var json = JsonSerializer.Serialize(input);

        // Split the input as the real API does, so the agent has to join input_json_delta fragments.
        var half = json.Length / 2;
        await BlockStartAsync(new { type = "tool_use", id, name, input = new { } }, cancel);
        await DeltaAsync(new { type = "input_json_delta", partial_json = json[..half] }, cancel);
        await DeltaAsync(new { type = "input_json_delta", partial_json = json[half..] }, cancel);
        await BlockStopAsync(new { type = "tool_use", id, name, input }, cancel);
    }

    public async Task EndAsync(string stopReason, CancellationToken cancel)
    {
        if (!streaming)
        {
            await response.WriteAsJsonAsync(new
            {
                id = messageId,
                type = "message",
                role = "assistant",
                model,
                content = blocks,
                stop_reason = stopReason,
                stop_sequence = (string?)null,
                usage = new { input_tokens = InputTokens, output_tokens = OutputTokens },
            }, cancel);
            return;
        }

        await EventAsync("message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = stopReason, stop_sequence = (string?)null },
            usage = new { output_tokens = OutputTokens },
        }, cancel);
        await EventAsync("message_stop", new { type = "message_stop" }, cancel);
    }

    private Task BlockStartAsync(object block, CancellationToken cancel) =>
        streaming ? EventAsync("content_block_start", new { type = "content_block_start", index, content_block = block }, cancel) : Task.CompletedTask;

    private Task DeltaAsync(object delta, CancellationToken cancel) =>
        streaming ? EventAsync("content_block_delta", new { type = "content_block_delta", index, delta }, cancel) : Task.CompletedTask;

    private async Task BlockStopAsync(object whole, CancellationToken cancel)
    {
        blocks.Add(whole);
        if (streaming)
        {
            await EventAsync("content_block_stop", new { type = "content_block_stop", index }, cancel);
        }

        index++;
    }

    private async Task EventAsync(string name, object data, CancellationToken cancel)
    {
        await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n", cancel);
        await response.Body.FlushAsync(cancel);
    }
}
