using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>What every server-sent event stream of the node does the same way: its headers, its frames, its writes.</summary>
public static class ServerSentEvents
{
    /// <summary>An event's data is one line of JSON.</summary>
    public static readonly JsonSerializerOptions OneLine = new(Api.Json) { WriteIndented = false };

    /// <summary>The comment a quiet stream sends now and then, so proxies do not close it as idle.</summary>
    public const string KeepAlive = ": keep-alive\n\n";

    /// <summary>Sends the headers at once, unbuffered (a proxy must pass each event on as it comes), before any event.</summary>
    public static async Task StartAsync(HttpContext http, CancellationToken ct)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(ct);
        await response.Body.FlushAsync(ct);
    }

    public static string Frame(string type, string data) => $"event: {type}\ndata: {data}\n\n";

    /// <summary>Writes and flushes; nothing for empty text.</summary>
    public static async Task WriteAsync(HttpContext http, string text, CancellationToken ct)
    {
        if (text.Length == 0)
        {
            return;
        }

        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await http.Response.Body.FlushAsync(ct);
    }

    /// <summary>The stream's last event, within <paramref name="timeout"/>; a client that does not take it is cut off.</summary>
    public static async Task LastAsync(HttpContext http, string type, string data, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await WriteAsync(http, Frame(type, data), deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            http.Abort();
        }
    }
}
