using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>One server-sent event: its id (a sequence number, or null), its type (an event type, end or dropped) and its data.</summary>
public sealed record ServerSentEvent(string? Id, string Type, string Data);

/// <summary>The event stream broke (connection refused or reset, or silent for too long): worth reconnecting.</summary>
public sealed class EventStreamBroken(string message) : Exception(message);

public sealed partial class ApiClient
{
    /// <summary>A stream that sent nothing, not even a keep-alive (the node sends one every 15 s), for this long is broken.</summary>
    public static readonly TimeSpan StreamSilence = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A session's event log followed live (GET /api/sessions/{id}/events/stream): its server-sent events until the
    /// node ends the response. <paramref name="lastEventId"/> resumes after that number (and wins over since and tail).
    /// A 4xx/5xx is a <see cref="CliFailure"/>; a connection that cannot be made or breaks is <see cref="EventStreamBroken"/>.
    /// </summary>
    public IAsyncEnumerable<ServerSentEvent> EventStreamAsync(
        string id, IReadOnlyCollection<string> types, long? since, int? tail, long? lastEventId, Action? opened,
        CancellationToken ct) =>
        ServerSentEventsAsync(Api.SessionEventStream(id) + EventsQuery(types, since, tail), lastEventId, opened, ct);

    /// <summary>
    /// The server-sent events of a GET on <paramref name="path"/> until the node ends the response; <paramref name="opened"/>
    /// is called once the node answered with a success. A 4xx/5xx is a <see cref="CliFailure"/>; a connection that
    /// cannot be made or breaks, or is silent for <see cref="StreamSilence"/>, is <see cref="EventStreamBroken"/>.
    /// </summary>
    public async IAsyncEnumerable<ServerSentEvent> ServerSentEventsAsync(
        string path, long? lastEventId, Action? opened, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Address(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } resume)
        {
            request.Headers.Add("Last-Event-ID", resume.ToString(CultureInfo.InvariantCulture));
        }

        if (endpoint.Token is { } token)
        {
            try
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            catch (FormatException)
            {
                throw CliFailure.Usage($"the token from {endpoint.TokenOrigin} is not a valid bearer token");
            }
        }

        HttpResponseMessage response;
        try
        {
            // Headers only: the body is read as it comes, with no overall timeout (a follow lasts as long as the session).
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new EventStreamBroken($"the node at {BaseUrlText} did not answer within {requestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new EventStreamBroken($"cannot reach the node at {BaseUrlText}: {Describe(e)}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                throw new CliFailure(ExitCodes.ApiError, DescribeProblem(response.StatusCode, response.ReasonPhrase, text));
            }

            opened?.Invoke();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            string? eventId = null;
            string type = "message";
            var data = new List<string>();
            while (true)
            {
                string? line;
                using (var silence = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    silence.CancelAfter(StreamSilence);
                    try
                    {
                        line = await reader.ReadLineAsync(silence.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        throw new EventStreamBroken($"the node sent nothing for {StreamSilence.TotalSeconds:0} s");
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        throw new EventStreamBroken($"the connection to {BaseUrlText} broke: {FirstLine(e.Message)}");
                    }
                }

                if (line is null)
                {
                    yield break;
                }

                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        yield return new ServerSentEvent(eventId, type, string.Join('\n', data));
                    }

                    eventId = null;
                    type = "message";
                    data.Clear();
                    continue;
                }

                if (line[0] == ':')
                {
                    continue; // a comment: the keep-alive
                }

                var colon = line.IndexOf(':');
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? string.Empty : line[(colon + 1)..];
                if (value.StartsWith(' '))
                {
                    value = value[1..];
                }

                switch (field)
                {
                    case "id":
                        eventId = value;
                        break;
                    case "event":
                        type = value;
                        break;
                    case "data":
                        data.Add(value);
                        break;
                }
            }
        }
    }
}
