using Microsoft.AspNetCore.Http;
using SessionCluster.Domain;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class ProblemsTests
{
    [Theory]
    [InlineData(RejectionCode.UnknownSession, 404, "Unknown session")]
    [InlineData(RejectionCode.IllegalTransition, 409, "Conflict")]
    [InlineData(RejectionCode.InvalidInput, 400, "Bad request")]
    [InlineData(RejectionCode.AlreadyExists, 409, "Conflict")]
    [InlineData(RejectionCode.AutoRespondCapReached, 409, "Conflict")]
    [InlineData(RejectionCode.NoPendingPermission, 409, "Conflict")]
    public async Task Each_rejection_code_has_its_status(RejectionCode code, int status, string title)
    {
        var response = await HttpResults.Execute(Problems.From(new Rejection(code, $"because {code}")));

        response.AssertProblem(status, $"because {code}");
        Assert.Equal(title, response.Title);
    }

    [Fact]
    public async Task No_rejection_code_is_a_server_error_but_unavailable_is_a_503_to_retry()
    {
        foreach (var code in Enum.GetValues<RejectionCode>().Where(c => c != RejectionCode.Unavailable))
        {
            var response = await HttpResults.Execute(Problems.From(new Rejection(code, "r")));
            Assert.InRange(response.Status, 400, 499);
        }

        // No agent host can take the session now (all full, leaving or silent): the client retries, nothing is wrong with the request.
        var unavailable = await HttpResults.Execute(Problems.From(new Rejection(RejectionCode.Unavailable, "r")));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, unavailable.Status);
    }

    [Fact]
    public async Task The_plain_problems_have_their_statuses()
    {
        (await HttpResults.Execute(Problems.BadRequest("b"))).AssertProblem(StatusCodes.Status400BadRequest, "b");
        (await HttpResults.Execute(Problems.Unauthorized("u"))).AssertProblem(StatusCodes.Status401Unauthorized, "u");
        (await HttpResults.Execute(Problems.TooLarge("t"))).AssertProblem(StatusCodes.Status413PayloadTooLarge, "t");
        (await HttpResults.Execute(Problems.Unavailable("n"))).AssertProblem(StatusCodes.Status503ServiceUnavailable, "n");
    }

    [Theory]
    [InlineData(413, 413, "the request body is larger than 2097152 bytes (sessioncluster.http.max-request-body-bytes)")]
    [InlineData(408, 408, "the request body arrived too slowly (less than 240 bytes per second)")]
    [InlineData(400, 400, "bad request: Unexpected end of request content.")]
    [InlineData(431, 431, "bad request: Unexpected end of request content.")]
    [InlineData(500, 400, "bad request: Unexpected end of request content.")]
    public async Task Kestrel_refusals_keep_their_4xx_and_never_become_a_server_error(int kestrel, int status, string detail)
    {
        var refused = new BadHttpRequestException("Unexpected end of request content.", kestrel);

        (await HttpResults.Execute(Problems.From(refused, HttpLimits.Default))).AssertProblem(status, detail);
    }

    [Fact]
    public async Task Starting_is_a_503_with_retry_after()
    {
        var context = HttpResults.NewContext();
        await Problems.Starting("starting").ExecuteAsync(context);

        HttpResults.Read(context).AssertProblem(503, "starting");
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_reused_key_is_422()
    {
        (await HttpResults.Execute(Problems.KeyReused("k"))).AssertProblem(422, "k");
    }
}
