namespace SessionCluster.Node.Http;

/// <summary>What Kestrel allows a client (sessioncluster.http.*): how much body, and how slowly it may arrive.</summary>
public sealed record HttpLimits(
    long MaxRequestBodyBytes,
    double MinRequestBodyBytesPerSecond,
    TimeSpan MinRequestBodyRateGrace,
    TimeSpan RequestHeadersTimeout)
{
    public const string MaxRequestBodyKey = "sessioncluster.http.max-request-body-bytes";

    /// <summary>
    /// The defaults of hocon/base.hocon. 2 MiB: a prompt at the 256 KiB limit still fits however its JSON
    /// escapes it (up to 6 bytes per character as \uXXXX), with room for the env.
    /// </summary>
    /// <summary>The limits read from config; values Kestrel would refuse at start are an error naming the key.</summary>
    public static HttpLimits Create(long maxRequestBodyBytes, double minBytesPerSecond, TimeSpan grace, TimeSpan headersTimeout) =>
        maxRequestBodyBytes < 1 ? throw new FormatException($"{MaxRequestBodyKey} must be at least 1, not {maxRequestBodyBytes}") :
        minBytesPerSecond <= 0 ? throw new FormatException($"sessioncluster.http.min-request-body-rate must be more than 0, not {minBytesPerSecond}") :
        grace <= TimeSpan.FromSeconds(1) ? throw new FormatException($"sessioncluster.http.min-request-body-rate-grace must be more than 1s (Kestrel's rule), not {grace}") :
        headersTimeout <= TimeSpan.Zero ? throw new FormatException($"sessioncluster.http.request-headers-timeout must be more than 0, not {headersTimeout}") :
        new HttpLimits(maxRequestBodyBytes, minBytesPerSecond, grace, headersTimeout);

    public static readonly HttpLimits Default = new(2 * 1024 * 1024, 240, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
}
