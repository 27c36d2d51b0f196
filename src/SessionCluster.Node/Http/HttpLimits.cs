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
    public static readonly HttpLimits Default = new(2 * 1024 * 1024, 240, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
}
