using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>RFC 7807 problem results, one per way a request can go wrong. None carries an exception's text or stack.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Unknown session", detail);

    public static IResult UnknownChannel(string detail) => Problem(StatusCodes.Status404NotFound, "Unknown channel", detail);

    public static IResult UnknownMember(string detail) => Problem(StatusCodes.Status404NotFound, "Unknown member", detail);

    public static IResult UnknownRegion(string detail) => Problem(StatusCodes.Status404NotFound, "Unknown shard region", detail);

    public static IResult TooLarge(string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    /// <summary>An Idempotency-Key reused with a different request (the IETF idempotency-key draft's 422).</summary>
    public static IResult KeyReused(string detail) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", detail);

    public static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Unavailable", detail);

    /// <summary>503 a client should retry after <paramref name="retryAfterSeconds"/> (the node is still starting).</summary>
    public static IResult Starting(string detail, int retryAfterSeconds = 1) =>
        Unavailable(detail).WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>503 while the node's database does not answer: nothing can be recorded or read; retry once it is back.</summary>
    public static IResult DatabaseUnavailable(string database, int retryAfterSeconds = 2) =>
        Problem(
                StatusCodes.Status503ServiceUnavailable,
                "Database unavailable",
                $"the node's database ({database}) is unreachable; nothing was changed; retry once it is back")
            .WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static IResult From(Rejection rejection) => rejection.Code switch
    {
        RejectionCode.UnknownSession => NotFound(rejection.Reason),
        RejectionCode.InvalidInput => BadRequest(rejection.Reason),
        RejectionCode.Unreadable => Problem(StatusCodes.Status409Conflict, "Unreadable session", rejection.Reason),
        _ => Problem(StatusCodes.Status409Conflict, "Conflict", rejection.Reason),
    };

    /// <summary>
    /// What Kestrel refused while the body was read: too large (413), too slow (408), cut short or malformed
    /// framing (400). Its message is Kestrel's own one-liner, never a stack trace.
    /// </summary>
    public static IResult From(BadHttpRequestException refused, HttpLimits limits) => refused.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge(
            $"the request body is larger than {limits.MaxRequestBodyBytes} bytes ({HttpLimits.MaxRequestBodyKey})"),
        StatusCodes.Status408RequestTimeout => Problem(
            StatusCodes.Status408RequestTimeout,
            "Request timeout",
            $"the request body arrived too slowly (less than {limits.MinRequestBodyBytesPerSecond} bytes per second)"),
        >= 400 and < 500 => Problem(refused.StatusCode, "Bad request", $"bad request: {FirstLine(refused.Message)}"),
        _ => BadRequest($"bad request: {FirstLine(refused.Message)}"),
    };

    /// <summary>An error the node did not expect: the trace id leads to the log entry with the details.</summary>
    public static IResult Internal(string traceId) => Problem(
        StatusCodes.Status500InternalServerError,
        "Internal error",
        $"the node failed to handle this request; its log has the details under trace id {traceId}");

    public static IResult WithHeader(this IResult result, string name, string value) => new HeaderResult(result, name, value);

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers[name] = value;
            return inner.ExecuteAsync(context);
        }
    }
}
