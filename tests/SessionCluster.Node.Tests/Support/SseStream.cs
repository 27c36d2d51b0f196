using System.Net;

namespace SessionCluster.Node.Tests.Support;

/// <summary>A server-sent event stream read line by line, each read bounded by a deadline.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    public sealed record Event(string? Id, string Type, string Data);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public string? ContentType => response.Content.Headers.ContentType?.MediaType;

    public static async Task<SseStream> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next <paramref name="count"/> events (comments skipped).</summary>
    public async Task<List<Event>> ReadAsync(int count)
    {
        var events = new List<Event>();
        while (events.Count < count)
        {
            events.Add(await NextAsync() ?? throw new Xunit.Sdk.XunitException($"the stream ended after {events.Count} of {count} events"));
        }

        return events;
    }

    /// <summary>Every event until the server ends the response.</summary>
    public async Task<List<Event>> ReadToEndAsync()
    {
        var events = new List<Event>();
        while (await NextAsync() is { } e)
        {
            events.Add(e);
        }

        return events;
    }

    public async Task<string> ReadCommentAsync()
    {
        while (true)
        {
            var line = await LineAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended before a comment");
            if (line.StartsWith(':'))
            {
                return line;
            }
        }
    }

    private async Task<Event?> NextAsync()
    {
        string? id = null, type = null, data = null;
        while (await LineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new Event(id, type ?? "message", data);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var (field, value) = line.IndexOf(':') is var c and >= 0 ? (line[..c], line[(c + 1)..].TrimStart(' ')) : (line, "");
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }

        return null;
    }

    private async Task<string?> LineAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            return await reader.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"nothing from the stream within {Deadline.TotalSeconds} s");
        }
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
