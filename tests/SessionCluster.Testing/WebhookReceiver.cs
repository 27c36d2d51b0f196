using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that takes webhook deliveries: it records every request (method, path,
/// headers, body, when it came) and answers as told: 200 by default, or a failure status for the next N requests, or
/// a status for all, after an optional delay (a slow receiver). <see cref="UnreachableUrl"/> is a receiver that is down.
/// </summary>
/// <remarks>
/// Requests are recorded when they arrive, before any delay, and kept in <see cref="Received"/>; each is also written
/// once to <see cref="Incoming"/>, which <see cref="NextAsync"/> reads (so consecutive calls see consecutive requests).
/// Any path and method is accepted.
/// </remarks>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<ReceivedRequest> received = [];
    private readonly Channel<ReceivedRequest> incoming = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly Lock gate = new();
    private int failuresLeft;
    private int failureStatus = 500;
    private int status = 200;
    private TimeSpan delay = TimeSpan.Zero;
    private string failureBody = "receiver failure";

    private WebhookReceiver(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Where to deliver: <see cref="BaseUrl"/> + <c>/hook</c>.</summary>
    public Uri Url => new($"{BaseUrl}/hook");

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<ReceivedRequest> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Each request once, as it arrives (what <see cref="NextAsync"/> reads).</summary>
    public ChannelReader<ReceivedRequest> Incoming => incoming.Reader;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.Run(receiver.HandleAsync);
        await receiver.app.StartAsync();
        var addresses = receiver.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        receiver.BaseUrl = addresses.Addresses.Single();
        return receiver;
    }

    /// <summary>A URL on a free loopback port where nothing listens: a receiver that is down.</summary>
    public static Uri UnreachableUrl() => new($"http://127.0.0.1:{FreePort.Next()}/hook");

    /// <summary>The next request not yet taken from <see cref="Incoming"/>, within <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">None came in time.</exception>
    public async Task<ReceivedRequest> NextAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await incoming.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no webhook request within {timeout} ({Received.Count} received in all)");
        }
    }

    /// <summary>Answer every request with <paramref name="answer"/> (200 unless told; failures still due by <see cref="FailNext"/> come first).</summary>
    public WebhookReceiver AnswerWith(int answer)
    {
        lock (gate)
        {
            status = answer;
        }

        return this;
    }

    /// <summary>Answer the next <paramref name="count"/> requests with <paramref name="failure"/> and <paramref name="body"/>, then as before.</summary>
    public WebhookReceiver FailNext(int count, int failure = 500, string body = "receiver failure")
    {
        lock (gate)
        {
            failuresLeft = count;
            failureStatus = failure;
            failureBody = body;
        }

        return this;
    }

    /// <summary>Wait this long before answering each request (a slow receiver); zero to answer at once.</summary>
    public WebhookReceiver Delay(TimeSpan wait)
    {
        lock (gate)
        {
            delay = wait;
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        incoming.Writer.TryComplete();
        await app.StopAsync(TimeSpan.FromSeconds(5));
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var ticks = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        int answer;
        string answerBody;
        TimeSpan wait;
        ReceivedRequest request;
        lock (gate)
        {
            (answer, answerBody) = failuresLeft > 0 ? (failureStatus, failureBody) : (status, "");
            failuresLeft = Math.Max(0, failuresLeft - 1);
            wait = delay;
            request = new ReceivedRequest(
                received.Count + 1,
                context.Request.Method,
                $"{context.Request.Path}{context.Request.QueryString}",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                receivedAt,
                ticks,
                answer);
            received.Add(request);
        }

        incoming.Writer.TryWrite(request);
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, context.RequestAborted);
            }

            context.Response.StatusCode = answer;
            if (answerBody.Length > 0)
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(answerBody, context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sender gave up (its timeout): nothing left to answer.
        }
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> took.</summary>
/// <param name="Number">1 for the first request the receiver took.</param>
/// <param name="Headers">Case-insensitive names.</param>
/// <param name="ReceivedAt">Wall clock when it arrived (before any delay), to compare with a payload's timestamp.</param>
/// <param name="ReceivedTimestamp"><see cref="Stopwatch.GetTimestamp"/> when it arrived, for latencies measured in this process.</param>
/// <param name="AnsweredStatus">The status it was (or is being) answered with.</param>
public sealed record ReceivedRequest(
    int Number,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt,
    long ReceivedTimestamp,
    int AnsweredStatus)
{
    /// <summary>A header's value; null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body parsed as JSON.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
