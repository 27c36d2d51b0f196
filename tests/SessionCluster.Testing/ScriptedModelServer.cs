using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking the Anthropic Messages API the way Claude Code calls it
/// (<c>POST /v1/messages?beta=true</c>, streamed as server-sent events), answering from a script; and the OpenAI
/// Responses API the way Codex calls it (<c>POST /v1/responses</c>, see <see cref="ResponsesStream"/>) from the same script.
/// </summary>
/// <remarks>
/// The agent's turn requests (those that offer tools) take the queued replies in order, then
/// <see cref="DefaultReply"/>. Any other request (a title, a summary, a probe, <c>count_tokens</c>) leaves the
/// queue alone, so a script stays right whatever extra calls an agent version makes. Claude 2.1.328 made none
/// in these tests; without CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC it calls <c>GET /api/hello</c> (answered 404).
/// Every request is recorded.
/// </remarks>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ModelReply> replies = new();
    private readonly List<ModelRequest> requests = [];
    private readonly List<(Func<ModelRequest, bool> Match, TaskCompletionSource<ModelRequest> Seen)> waiters = [];
    private readonly Lock gate = new();

    private ScriptedModelServer(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>Where the agent should send its requests (ANTHROPIC_BASE_URL).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The base URL of the Responses API (a codex model provider's <c>base_url</c>).</summary>
    public string ResponsesBaseUrl => $"{BaseUrl}/v1";

    /// <summary>The answer to a turn request when the queue is empty.</summary>
    public ModelReply DefaultReply { get; set; } = ModelReply.Text("Done.");

    /// <summary>The answer to a request that is not a turn; <see cref="DefaultReply"/> when null.</summary>
    public ModelReply? SideReply { get; set; }

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<ModelRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>The turn requests received so far (see <see cref="ModelRequest.IsTurn"/>).</summary>
    public IReadOnlyList<ModelRequest> TurnRequests => Requests.Where(r => r.IsTurn).ToList();

    public static async Task<ScriptedModelServer> StartAsync(params ModelReply[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new ScriptedModelServer(builder.Build());
        server.Enqueue(script);
        server.MapRoutes();
        await server.app.StartAsync();
        var addresses = server.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        server.BaseUrl = addresses.Addresses.Single();
        return server;
    }

    /// <summary>A base URL on a free loopback port where nothing listens: a model API that is down.</summary>
    public static string UnreachableBaseUrl() => $"http://127.0.0.1:{FreePort.Next()}";

    public ScriptedModelServer Enqueue(params ModelReply[] script)
    {
        foreach (var reply in script)
        {
            replies.Enqueue(reply);
        }

        return this;
    }

    /// <summary>The first request (already received or still to come) that matches, within <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">No such request came in time.</exception>
    public Task<ModelRequest> WaitForRequestAsync(Func<ModelRequest, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<ModelRequest> seen;
        lock (gate)
        {
            if (requests.FirstOrDefault(match) is { } already)
            {
                return Task.FromResult(already);
            }

            seen = new TaskCompletionSource<ModelRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, seen));
        }

        return seen.Task.WaitAsync(timeout);
    }

    /// <summary>The <paramref name="count"/>th turn request, within <paramref name="timeout"/>.</summary>
    public Task<ModelRequest> WaitForTurnRequestAsync(int count, TimeSpan timeout)
    {
        var seen = 0;
        return WaitForRequestAsync(r => r.IsTurn && ++seen == count, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(5));
        await app.DisposeAsync();
    }

    private void MapRoutes()
    {
        app.MapPost("/v1/messages/count_tokens", async context =>
        {
            await Record(context);
            await context.Response.WriteAsJsonAsync(new { input_tokens = 10 });
        });
        app.MapPost("/v1/messages", async context =>
        {
            var request = await Record(context);
            var reply = request.IsTurn ? (replies.TryDequeue(out var next) ? next : DefaultReply) : SideReply ?? DefaultReply;
            await AnswerAsync(context, request, reply);
        });
        app.MapPost("/v1/responses", async context =>
        {
            var request = await Record(context);
            var reply = request.IsTurn ? (replies.TryDequeue(out var next) ? next : DefaultReply) : SideReply ?? DefaultReply;
            await AnswerResponsesAsync(context, request, reply);
        });
        app.MapFallback(async context =>
        {
            await Record(context);
            await ErrorAsync(context.Response, 404, $"no route for {context.Request.Method} {context.Request.Path}");
        });
    }

    private async Task<ModelRequest> Record(HttpContext context)
    {
        using var body = new StreamReader(context.Request.Body);
        var request = new ModelRequest(
            context.Request.Method,
            $"{context.Request.Path}{context.Request.QueryString}",
            await body.ReadToEndAsync(context.RequestAborted),
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        List<TaskCompletionSource<ModelRequest>> matched = [];
        lock (gate)
        {
            requests.Add(request);
            foreach (var waiter in waiters.Where(w => w.Match(request)).ToList())
            {
                waiters.Remove(waiter);
                matched.Add(waiter.Seen);
            }
        }

        matched.ForEach(seen => seen.TrySetResult(request));
        return request;
    }

    private static async Task AnswerAsync(HttpContext context, ModelRequest request, ModelReply reply)
    {
        if (reply is HeldReply held)
        {
            if (await HoldAsync(context, held))
            {
                await AnswerAsync(context, request, held.Then);
            }

            return;
        }

        if (reply is HttpStatusReply status)
        {
            await ErrorAsync(context.Response, status.Status, status.Message);
            return;
        }

        var cancel = context.RequestAborted;
        var stream = new AnthropicStream(context.Response, request.Model ?? "scripted-model", request.Stream);
        try
        {
            await stream.StartAsync(cancel);
            switch (reply)
            {
                case TextReply text:
                    await stream.TextAsync([text.Content], TimeSpan.Zero, cancel);
                    await stream.EndAsync("end_turn", cancel);
                    break;
                case SlowTextReply slow:
                    await stream.TextAsync(slow.Chunks, slow.DelayPerChunk, cancel);
                    await stream.EndAsync("end_turn", cancel);
                    break;
                case ThinkingReply thinking:
                    await stream.ThinkingAsync(thinking.Reasoning, cancel);
                    await stream.TextAsync([thinking.Answer], TimeSpan.Zero, cancel);
                    await stream.EndAsync("end_turn", cancel);
                    break;
                case ToolUseReply tool:
                    await stream.ToolUseAsync(tool.Id, tool.Name, tool.Input, cancel);
                    await stream.EndAsync("tool_use", cancel);
                    break;
                default:
                    throw new InvalidOperationException($"no answer scripted for {reply}");
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The agent hung up mid-stream (interrupted or killed): nothing left to answer.
        }
    }

    private static async Task AnswerResponsesAsync(HttpContext context, ModelRequest request, ModelReply reply)
    {
        if (reply is HeldReply held)
        {
            if (await HoldAsync(context, held))
            {
                await AnswerResponsesAsync(context, request, held.Then);
            }

            return;
        }

        if (reply is HttpStatusReply status)
        {
            await OpenAiErrorAsync(context.Response, status.Status, status.Message);
            return;
        }

        var cancel = context.RequestAborted;
        var stream = new ResponsesStream(context.Response, request.Model ?? "scripted-model");
        try
        {
            await stream.StartAsync(cancel);
            switch (reply)
            {
                case TextReply text:
                    await stream.MessageAsync([text.Content], TimeSpan.Zero, cancel);
                    break;
                case SlowTextReply slow:
                    await stream.MessageAsync(slow.Chunks, slow.DelayPerChunk, cancel);
                    break;
                case ToolUseReply tool:
                    // Codex's tools are function calls: ToolUse("exec_command", new { cmd = "..." }) runs a command.
                    await stream.FunctionCallAsync(tool.Id, tool.Name, tool.Input, cancel);
                    break;
                default:
                    throw new InvalidOperationException($"no Responses answer scripted for {reply}");
            }

            await stream.EndAsync(cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The agent hung up mid-stream (interrupted or killed): nothing left to answer.
        }
    }

    /// <summary>Waits for the held reply's release; false when the agent hung up first (killed, or its node was).</summary>
    private static async Task<bool> HoldAsync(HttpContext context, HeldReply held)
    {
        try
        {
            await held.Release.WaitAsync(context.RequestAborted);
            return true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
    }

    private static Task OpenAiErrorAsync(HttpResponse response, int status, string message)
    {
        var (type, code) = status switch
        {
            400 => ("invalid_request_error", (string?)null),
            401 => ("invalid_request_error", "invalid_api_key"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("rate_limit_exceeded", "rate_limit_exceeded"),
            _ => ("server_error", null),
        };
        response.StatusCode = status;
        response.Headers["x-request-id"] = $"req_{Guid.NewGuid():N}";
        return response.WriteAsJsonAsync(new { error = new { message, type, param = (string?)null, code } });
    }

    private static Task ErrorAsync(HttpResponse response, int status, string message)
    {
        var type = status switch
        {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            _ => "api_error",
        };
        response.StatusCode = status;
        response.Headers["request-id"] = $"req_{Guid.NewGuid():N}";
        return response.WriteAsJsonAsync(new { type = "error", error = new { type, message } });
    }
}
