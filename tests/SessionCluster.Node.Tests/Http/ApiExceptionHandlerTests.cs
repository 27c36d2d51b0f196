using Microsoft.AspNetCore.Http;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class ApiExceptionHandlerTests
{
    private static async Task<HttpResults.Response> Handle(Exception exception)
    {
        var context = HttpResults.NewContext();
        context.TraceIdentifier = "trace-7";
        var handled = await new ApiExceptionHandler(TestSettings.Create()).TryHandleAsync(context, exception, CancellationToken.None);
        Assert.True(handled);
        return HttpResults.Read(context);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_problem_without_its_message_type_or_stack()
    {
        var exception = Thrown(new InvalidOperationException("secret internals /home/node/.key"));
        Assert.NotNull(exception.StackTrace);

        var response = await Handle(exception);

        response.AssertProblem(500, "the node failed to handle this request; its log has the details under trace id trace-7");
        Assert.DoesNotContain("secret internals", response.Body);
        Assert.DoesNotContain("InvalidOperationException", response.Body);
        Assert.DoesNotContain("   at ", response.Body);
    }

    [Fact]
    public async Task A_kestrel_refusal_keeps_its_status()
    {
        var response = await Handle(Thrown(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge)));

        response.AssertProblem(413, "the request body is larger than 2097152 bytes (sessioncluster.http.max-request-body-bytes)");
    }

    [Fact]
    public async Task After_the_answer_has_started_it_leaves_the_connection_to_kestrel()
    {
        var context = HttpResults.NewContext();
        var started = new StartedResponse();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(started);

        Assert.False(await new ApiExceptionHandler(TestSettings.Create()).TryHandleAsync(context, new Exception(), CancellationToken.None));
    }

    private sealed class StartedResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
