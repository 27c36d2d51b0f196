using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>RFC 7807 problem results, one per way a request can go wrong.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static IResult TooLarge(string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Unavailable", detail);

    public static IResult From(Rejection rejection) => rejection.Code switch
    {
        RejectionCode.UnknownSession => Problem(StatusCodes.Status404NotFound, "Unknown session", rejection.Reason),
        RejectionCode.InvalidInput => BadRequest(rejection.Reason),
        RejectionCode.Unreadable => Problem(StatusCodes.Status409Conflict, "Unreadable session", rejection.Reason),
        _ => Problem(StatusCodes.Status409Conflict, "Conflict", rejection.Reason),
    };

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title);
}
