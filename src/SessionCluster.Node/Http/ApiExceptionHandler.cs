using Microsoft.AspNetCore.Diagnostics;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>
/// The last line of defence: an exception that escaped an endpoint becomes a problem without its message
/// or stack (the exception handler middleware logs those). Kestrel's refusals keep their 4xx; a database that does not
/// answer is a 503 saying so.
/// </summary>
public sealed class ApiExceptionHandler(NodeSettings settings) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        // A store read straight from PostgreSQL (the event log, notifications) fails with Npgsql's exception while it is down.
        var result = exception switch
        {
            BadHttpRequestException refused => Problems.From(refused, settings.HttpLimits),
            Npgsql.NpgsqlException => Problems.DatabaseUnavailable("PostgreSQL"),
            _ => Problems.Internal(context.TraceIdentifier),
        };
        await result.ExecuteAsync(context);
        return true;
    }
}
