using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>The node's HTTP API. Every failure becomes a <see cref="CliFailure"/> with its exit code and one line.</summary>
public sealed partial class ApiClient : IDisposable
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    private readonly NodeEndpoint endpoint;
    private readonly HttpClient http;
    private readonly TimeSpan requestTimeout;

    public ApiClient(NodeEndpoint endpoint, TimeSpan? requestTimeout = null)
    {
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout ?? DefaultRequestTimeout;
        var handler = new SocketsHttpHandler
        {
            // A proxy from the environment must not capture requests to a node on this machine.
            UseProxy = !endpoint.BaseUrl.IsLoopback,
            ConnectTimeout = this.requestTimeout,
        };
        http = new HttpClient(handler) { Timeout = this.requestTimeout };
    }

    /// <summary>The longest Retry-After a 503 may make sessionctl wait before its one retry.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>A launch with a new Idempotency-Key, so the one retry after a 503 cannot start a second agent.</summary>
    public Task<ApiResponse<SessionDto>> LaunchAsync(LaunchSessionRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.Sessions, RequestJson.Launch(request), NewIdempotencyKey(), static () => WireJson.Default.SessionDto, ct);

    /// <summary>
    /// Every session that matches, newest first, at most <paramref name="limit"/> (null: all): follows the
    /// node's <c>Link: rel="next"</c> pages. One page is printed as the node sent it; several are joined into one array.
    /// </summary>
    public async Task<ApiResponse<List<SessionDto>>> ListAsync(
        IReadOnlyCollection<string> statuses, string? agent, CancellationToken ct, int? limit = null)
    {
        var filters = new List<string>();
        if (statuses.Count > 0)
        {
            filters.Add("status=" + Uri.EscapeDataString(string.Join(',', statuses)));
        }

        if (!string.IsNullOrWhiteSpace(agent))
        {
            filters.Add("agent=" + Uri.EscapeDataString(agent));
        }

        var pages = new List<string>();
        var count = 0;
        string? cursor = null;
        string label;
        do
        {
            var pageSize = Math.Min(ApiLimits.MaxPageSize, limit is { } wanted ? wanted - count : ApiLimits.MaxPageSize);
            var query = new List<string>(filters) { $"limit={pageSize}" };
            if (cursor is not null)
            {
                query.Add("cursor=" + Uri.EscapeDataString(cursor));
            }

            var path = Api.Sessions + "?" + string.Join('&', query);
            var page = await SendRawAsync(HttpMethod.Get, path, null, null, ct);
            label = page.Label;
            pages.Add(page.Text);
            count += WireJson.ArrayLength(page.Text) ?? 0;
            cursor = NextCursor(page.Link);
        }
        while (cursor is not null && (limit is null || count < limit));

        var json = pages.Count == 1 ? pages[0] : WireJson.JoinArrays(pages) ?? pages[0];
        return new ApiResponse<List<SessionDto>>(json, static () => WireJson.Default.ListSessionDto, label);
    }

    public Task<ApiResponse<SessionDto>> GetAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.Session(id), null, null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> RespondAsync(string id, RespondRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "respond"), RequestJson.Respond(request), null, static () => WireJson.Default.SessionDto, ct);

    /// <summary>Answers the permission request the session waits on; not retried, like respond (a second answer would meet a 409).</summary>
    public Task<ApiResponse<SessionDto>> AnswerPermissionAsync(string id, PermissionAnswerRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "permission"), RequestJson.Permission(request), null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> InterruptAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "interrupt"), null, null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> KillAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "kill"), null, null, static () => WireJson.Default.SessionDto, ct);

    /// <summary>A resume with a new Idempotency-Key: retried, it answers with the same new session.</summary>
    public Task<ApiResponse<SessionDto>> ResumeAsync(string id, ResumeRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "resume"), RequestJson.Resume(request), NewIdempotencyKey(), static () => WireJson.Default.SessionDto, ct);

    /// <summary>Retention now (POST /api/sessions/prune); not retried after a 503, since a run may have pruned some already.</summary>
    public Task<ApiResponse<PruneDto>> PruneAsync(PruneRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.Prune, RequestJson.Prune(request), null, static () => WireJson.Default.PruneDto, ct);

    public Task<ApiResponse<List<ChannelHealthDto>>> NotificationChannelsAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.NotificationChannels, null, null, static () => WireJson.Default.ListChannelHealthDto, ct);

    public Task<ApiResponse<List<NotificationDto>>> NotificationsAsync(string? sessionId, int? limit, CancellationToken ct)
    {
        var query = new List<string>();
        if (sessionId is not null)
        {
            query.Add("session=" + Uri.EscapeDataString(sessionId));
        }

        if (limit is { } n)
        {
            query.Add("limit=" + n);
        }

        var path = query.Count == 0 ? Api.Notifications : $"{Api.Notifications}?{string.Join('&', query)}";
        return SendAsync(HttpMethod.Get, path, null, null, static () => WireJson.Default.ListNotificationDto, ct);
    }

    public Task<ApiResponse<TestNotificationDto>> TestNotificationAsync(string channel, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.NotificationTest, RequestJson.TestNotification(new TestNotificationRequest { Channel = channel }), null,
            static () => WireJson.Default.TestNotificationDto, ct);

    public void Dispose() => http.Dispose();

    private static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    private async Task<ApiResponse<T>> SendAsync<T>(
        HttpMethod method, string pathAndQuery, byte[]? body, string? idempotencyKey, Func<JsonTypeInfo<T>> type, CancellationToken ct)
        where T : class
    {
        var response = await SendRawAsync(method, pathAndQuery, body, idempotencyKey, ct);
        return new ApiResponse<T>(response.Text, type, response.Label);
    }

    private sealed record RawResponse(string Text, string? Link, string Label);

    /// <summary>
    /// One request, and once more after a 503 when that is safe: a GET, or a launch or resume with its
    /// Idempotency-Key (the node answers the retry with the session the first attempt may have made).
    /// </summary>
    private async Task<RawResponse> SendRawAsync(
        HttpMethod method, string pathAndQuery, byte[]? body, string? idempotencyKey, CancellationToken ct)
    {
        var retryable = method == HttpMethod.Get || idempotencyKey is not null;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, Address(pathAndQuery)) { Content = body is null ? null : Body(body) };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (idempotencyKey is not null)
            {
                request.Headers.Add(Api.IdempotencyKeyHeader, idempotencyKey);
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

            string text;
            HttpStatusCode status;
            string? reason;
            string? link;
            TimeSpan? retryAfter;
            try
            {
                using var response = await http.SendAsync(request, ct);
                status = response.StatusCode;
                reason = response.ReasonPhrase;
                link = response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null;
                retryAfter = RetryAfter(response.Headers.RetryAfter);
                text = await response.Content.ReadAsStringAsync(ct);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliFailure(ExitCodes.Unreachable,
                    $"the node at {BaseUrlText} did not answer within {requestTimeout.TotalSeconds:0.#} s");
            }
            catch (HttpRequestException e)
            {
                throw new CliFailure(ExitCodes.Unreachable, $"cannot reach the node at {BaseUrlText}: {Describe(e)}");
            }

            if (status == HttpStatusCode.ServiceUnavailable && retryable && attempt == 1)
            {
                await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }

            if ((int)status is < 200 or > 299)
            {
                throw new CliFailure(ExitCodes.ApiError, DescribeProblem(status, reason, text));
            }

            return new RawResponse(text, link, $"{(int)status} {method} {pathAndQuery}");
        }
    }

    private static ByteArrayContent Body(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is null ? null : TimeSpan.FromTicks(Math.Clamp(wait.Value.Ticks, 0, MaxRetryAfter.Ticks));
    }

    /// <summary>The <c>cursor</c> of the <c>rel="next"</c> link, or null on the last page.</summary>
    public static string? NextCursor(string? link)
    {
        if (link is null)
        {
            return null;
        }

        foreach (var part in link.Split(','))
        {
            var open = part.IndexOf('<');
            var close = part.IndexOf('>');
            if (open < 0 || close < open || !part[close..].Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                continue;
            }

            var target = part[(open + 1)..close];
            var query = target.IndexOf('?') is var q and >= 0 ? target[(q + 1)..] : "";
            foreach (var pair in query.Split('&'))
            {
                if (pair.StartsWith("cursor=", StringComparison.Ordinal))
                {
                    return Uri.UnescapeDataString(pair["cursor=".Length..]);
                }
            }
        }

        return null;
    }

    internal string BaseUrlText => endpoint.BaseUrl.AbsoluteUri.TrimEnd('/');

    private Uri Address(string pathAndQuery) =>
        // Keeps a path prefix of the base URL (http://host/prefix + /api/sessions).
        new(BaseUrlText + pathAndQuery, UriKind.Absolute);

    private string DescribeProblem(HttpStatusCode status, string? reason, string text)
    {
        ProblemDto? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize(text, WireJson.Default.ProblemDto);
        }
        catch (JsonException)
        {
        }

        var message = FirstNonEmpty(problem?.Detail, problem?.Title)
            ?? $"HTTP {(int)status} {reason ?? status.ToString()}";

        return status == HttpStatusCode.Unauthorized
            ? $"{message} (unauthorized; token: {(endpoint.Token is null ? endpoint.TokenOrigin : "from " + endpoint.TokenOrigin)})"
            : message;
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused (is the node running?)",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.ConnectionReset => "connection reset",
                    _ => FirstLine(socket.Message),
                };
            }
        }

        return FirstLine(e.InnerException?.Message ?? e.Message);
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    internal static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOfAny(['\r', '\n']);
        return end < 0 ? trimmed : trimmed[..end].TrimEnd();
    }
}
