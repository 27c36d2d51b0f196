using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

/// <summary>The node's HTTP API. Every failure becomes a <see cref="CliFailure"/> with its exit code and one line.</summary>
public sealed class ApiClient : IDisposable
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

    public Task<ApiResponse<SessionDto>> LaunchAsync(LaunchSessionRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.Sessions, Body(RequestJson.Launch(request)), static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<List<SessionDto>>> ListAsync(
        IReadOnlyCollection<string> statuses, string? agent, CancellationToken ct)
    {
        var query = new List<string>();
        if (statuses.Count > 0)
        {
            query.Add("status=" + Uri.EscapeDataString(string.Join(',', statuses)));
        }

        if (!string.IsNullOrWhiteSpace(agent))
        {
            query.Add("agent=" + Uri.EscapeDataString(agent));
        }

        var path = query.Count == 0 ? Api.Sessions : Api.Sessions + "?" + string.Join('&', query);
        return SendAsync(HttpMethod.Get, path, null, static () => WireJson.Default.ListSessionDto, ct);
    }

    public Task<ApiResponse<SessionDto>> GetAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, Api.Session(id), null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> RespondAsync(string id, RespondRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "respond"), Body(RequestJson.Respond(request)), static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> InterruptAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "interrupt"), null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> KillAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "kill"), null, static () => WireJson.Default.SessionDto, ct);

    public Task<ApiResponse<SessionDto>> ResumeAsync(string id, ResumeRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Api.SessionVerb(id, "resume"), Body(RequestJson.Resume(request)), static () => WireJson.Default.SessionDto, ct);

    public void Dispose() => http.Dispose();

    private static ByteArrayContent Body(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<ApiResponse<T>> SendAsync<T>(
        HttpMethod method, string pathAndQuery, HttpContent? body, Func<JsonTypeInfo<T>> type, CancellationToken ct)
        where T : class
    {
        using var request = new HttpRequestMessage(method, Address(pathAndQuery)) { Content = body };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
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
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = response.StatusCode;
            reason = response.ReasonPhrase;
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

        if ((int)status is < 200 or > 299)
        {
            throw new CliFailure(ExitCodes.ApiError, DescribeProblem(status, reason, text));
        }

        return new ApiResponse<T>(text, type, $"{(int)status} {method} {pathAndQuery}");
    }

    private string BaseUrlText => endpoint.BaseUrl.AbsoluteUri.TrimEnd('/');

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
