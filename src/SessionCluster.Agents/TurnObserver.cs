using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// Watches one agent process's events for what the session needs to know: why the agent waits after a turn,
/// and what went wrong if it failed. Used by one thread at a time (the output pump).
/// </summary>
internal sealed class TurnObserver
{
    // Kept longer than reported so a secret cut by the tail's edge is still whole when it is redacted.
    private readonly TextTail output = new(ErrorContext.OutputTailChars + 1024);
    private bool anyOutput;
    private string? lastTextThisTurn;
    private AgentApiError? apiErrorThisTurn;
    private AgentApiRetry? unresolvedRetry;
    private string? errorSubtype;

    public ErrorKind? Failure { get; private set; }

    public string? FailureMessage { get; private set; }

    public string OutputTail => output.ToString();

    public void Text(string text)
    {
        lastTextThisTurn = text;
        AppendOutput(text);
    }

    public void ApiError(AgentApiError error)
    {
        apiErrorThisTurn = error;
        AppendOutput(error.Text);
    }

    /// <summary>Notes a retry; true when the agent should be killed now (credentials refused, fail fast).</summary>
    public bool Retry(AgentApiRetry retry, bool failFastOnAuth)
    {
        unresolvedRetry = retry;
        if (failFastOnAuth && IsAuth(retry))
        {
            Fail(ErrorKind.Auth, $"the model API refused the credentials (HTTP {retry.ErrorStatus ?? 401}); the agent was stopped instead of retrying");
            return true;
        }

        return false;
    }

    /// <summary>Closes a turn and says why the agent now waits; an error result is remembered as the failure.</summary>
    public WaitingReason TurnEnded(AgentTurnResult result, bool stopRequested)
    {
        WaitingReason next;
        if (result.IsError)
        {
            // After an interrupt or kill, an error result is the stop itself, not a failure.
            if (!stopRequested)
            {
                var (kind, message) = ClassifyErrorResult(result);
                Fail(kind, message);
            }

            next = WaitingReason.None;
        }
        else
        {
            unresolvedRetry = null;
            // Refused tool uses are counted with the turn (PermissionDenials); they do not make it wait differently.
            next = IsQuestion(lastTextThisTurn ?? result.ResultText) ? WaitingReason.Question : WaitingReason.NextTurn;
        }

        lastTextThisTurn = null;
        apiErrorThisTurn = null;
        return next;
    }

    /// <summary>The failure to report with the exit: one seen, or an API problem the agent never got past.</summary>
    /// <param name="stderrTail">Where an error result without text finds its reason: claude says why on stderr
    /// (for example "No conversation found with session ID: ..." for a resume it cannot find).</param>
    public (ErrorKind? Kind, string? Message) AtExit(bool stopRequested, string stderrTail)
    {
        if (Failure is not null)
        {
            return (Failure, FailureMessage ?? LastLine(stderrTail) ?? $"the agent reported an error ({errorSubtype ?? "no details"})");
        }

        if (!stopRequested && unresolvedRetry is { } retry)
        {
            var (kind, message) = FromRetry(retry);
            return (kind, message);
        }

        return (null, null);
    }

    private static bool IsAuth(AgentApiRetry retry) => retry.CredentialsRefused || retry.ErrorStatus == 401;

    private static bool IsQuestion(string? text) => text?.TrimEnd() is { Length: > 0 } t && (t[^1] == '?' || t[^1] == '？');

    private static (ErrorKind, string) FromRetry(AgentApiRetry retry) => retry.ErrorStatus switch
    {
        null => (ErrorKind.ModelApiUnreachable, $"the model API could not be reached ({Attempts(retry)} failed)"),
        401 => (ErrorKind.Auth, "the model API refused the credentials (HTTP 401)"),
        var status => (ErrorKind.ModelApiError, $"the model API answered HTTP {status} ({retry.Error ?? "no reason given"}; {Attempts(retry)} failed)"),
    };

    private static string Attempts(AgentApiRetry retry) => retry.Attempt == 1 ? "1 attempt" : $"{retry.Attempt} attempts";

    private (ErrorKind, string?) ClassifyErrorResult(AgentTurnResult result)
    {
        if (apiErrorThisTurn is { } error)
        {
            var message = string.IsNullOrWhiteSpace(error.Text) ? $"the model API failed ({error.Error})" : error.Text;
            var noAnswer = error.Status is null && (error.NoAnswer || unresolvedRetry is { ErrorStatus: null });

            // The agent's own words may not say what the API answered (codex: "We're currently experiencing high demand").
            var code = error.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (noAnswer ? null : error.Detail);
            if (code is not null && !message.Contains(code, StringComparison.Ordinal))
            {
                message = error.Status is null ? $"{message} ({code})" : $"{message} (HTTP {code})";
            }

            if (error.CredentialsRefused || error.Status == 401)
            {
                return (ErrorKind.Auth, message);
            }

            return (noAnswer ? ErrorKind.ModelApiUnreachable : ErrorKind.ModelApiError, message);
        }

        if (unresolvedRetry is { } retry)
        {
            return FromRetry(retry);
        }

        errorSubtype = result.Subtype;
        return (ErrorKind.AgentError, string.IsNullOrWhiteSpace(result.ResultText) ? null : result.ResultText);
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    private void Fail(ErrorKind kind, string? message)
    {
        // The first failure is the cause; what follows is its consequence.
        if (Failure is null)
        {
            Failure = kind;
            FailureMessage = message;
        }
    }

    private void AppendOutput(string text)
    {
        if (anyOutput)
        {
            output.Append("\n");
        }

        output.Append(text);
        anyOutput = true;
    }
}
