using System.Net.Http.Headers;
using System.Text;

namespace SessionCluster.Actors.Notifications.Channels;

/// <summary>
/// POSTs each delivery: the JSON payload for a webhook (signed when it has a secret, see <see cref="WebhookSignature"/>),
/// <c>{"text": ...}</c> for a Slack-style incoming webhook. Any 2xx is delivered; anything else fails, redirects included
/// (a POST is not silently turned into a GET elsewhere).
/// </summary>
/// <remarks>
/// One HttpClient per channel, its pooled connections renewed every few minutes so a DNS change is followed. It has no
/// timeout of its own: the token passed to <see cref="DeliverAsync"/> is cancelled at the channel's timeout. Errors name
/// the receiver by scheme, host and port only: a Slack webhook URL's path is its secret.
/// </remarks>
public sealed class HttpChannel : INotificationChannel
{
    private const int ErrorBodyChars = 200;
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient client;
    private readonly Uri url;
    private readonly string? secret;
    private readonly Func<NotificationDelivery, string> render;
    private readonly string origin;

    public HttpChannel(WebhookChannelSettings settings)
        : this(settings.Url, settings.Secret, NotificationPayload.Json)
    {
    }

    public HttpChannel(SlackChannelSettings settings)
        : this(settings.Url, null, NotificationPayload.SlackJson)
    {
    }

    private HttpChannel(Uri url, string? secret, Func<NotificationDelivery, string> render)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ChannelException($"the channel's url must be an absolute http(s) URL, not '{url.Scheme}:'");
        }

        this.url = url;
        this.secret = secret;
        this.render = render;
        origin = $"{url.Scheme}://{url.Host}:{url.Port}";
        client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("SessionCluster", "1"));
    }

    public async Task DeliverAsync(NotificationDelivery delivery, CancellationToken cancellation)
    {
        var body = render(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(Utf8.GetBytes(body)) { Headers = { ContentType = Json } },
        };
        foreach (var (name, value) in WebhookSignature.Headers(delivery.Id, secret, body, DateTimeOffset.UtcNow))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new ChannelException(Unreachable(e), e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var text = await BodyStartAsync(response, cancellation);
            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
            throw new ChannelException(text.Length == 0 ? status : $"{status}: {text}");
        }
    }

    public void Dispose() => client.Dispose();

    private string Unreachable(HttpRequestException e)
    {
        var reason = string.IsNullOrWhiteSpace(e.InnerException?.Message) ? e.Message : e.InnerException.Message;
        return e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError
            ? $"cannot connect to {origin}: {reason}"
            : $"POST to {origin} failed: {reason}";
    }

    /// <summary>The first characters of an error answer, on one line; empty when it cannot be read.</summary>
    private static async Task<string> BodyStartAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
            var buffer = new byte[ErrorBodyChars * 4];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellation) is var n and > 0)
            {
                read += n;
            }

            var text = string.Join(' ', Utf8.GetString(buffer, 0, read).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= ErrorBodyChars ? text : text[..ErrorBodyChars];
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }
}
