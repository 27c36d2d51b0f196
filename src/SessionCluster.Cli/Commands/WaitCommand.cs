using System.CommandLine;
using System.Globalization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>wait</c>: polls GET /api/sessions/{id} until the session is in one of the given statuses (exit 0),
/// ends in another one (exit 5), or the timeout passes (exit 4).
/// </summary>
internal static class WaitCommand
{
    public const double DefaultTimeoutSeconds = 300;
    public const int DefaultIntervalMilliseconds = 200;

    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var until = new Option<string[]>("--until", "-u")
        {
            Description = $"Statuses to wait for, comma-separated; repeatable ({string.Join(", ", SessionStatuses.All)})",
            HelpName = "s1,s2",
            Arity = ArgumentArity.OneOrMore,
            Required = true,
        };
        var timeout = new Option<double?>("--timeout", "-t")
        {
            Description = $"Give up after this many seconds [default: {DefaultTimeoutSeconds}]",
            HelpName = "seconds",
            CustomParser = NumberParsing.Number("--timeout", 0),
        };
        var interval = new Option<int?>("--interval")
        {
            Description = $"Milliseconds between polls [default: {DefaultIntervalMilliseconds}]",
            HelpName = "ms",
            CustomParser = NumberParsing.WholeNumber("--interval", 10),
        };
        var command = new Command("wait", "Wait until a session reaches one of the given statuses") { id, until, timeout, interval };

        command.SetBody(globals, context, async (run, ct) =>
        {
            var sessionId = run.Parse.GetValue(id)!;
            var wanted = SessionStatuses.Parse(run.Parse.GetValue(until) ?? [], "--until");
            if (wanted.Count == 0)
            {
                throw CliFailure.Usage("--until needs at least one status");
            }

            var seconds = run.Parse.GetValue(timeout) ?? DefaultTimeoutSeconds;
            var pause = TimeSpan.FromMilliseconds(run.Parse.GetValue(interval) ?? DefaultIntervalMilliseconds);
            using var client = run.CreateClient();
            var session = await PollAsync(client, sessionId, wanted, TimeSpan.FromSeconds(seconds), pause, ct);
            run.ShowSession(session);
            return ExitCodes.Ok;
        });

        return command;
    }

    private static async Task<ApiResponse<SessionDto>> PollAsync(
        ApiClient client, string id, IReadOnlyList<string> wanted, TimeSpan timeout, TimeSpan pause, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        SessionDto? last = null;
        try
        {
            for (var poll = 0; ; poll++)
            {
                // The first look is not cut short by the deadline, so --timeout 0 checks once.
                var response = await client.GetAsync(id, poll == 0 ? ct : deadline.Token);
                last = response.Value;
                if (wanted.Contains(last.Status, StringComparer.OrdinalIgnoreCase))
                {
                    return response;
                }

                if (SessionStatuses.IsTerminal(last.Status))
                {
                    throw new CliFailure(ExitCodes.WaitEndedOtherwise,
                        $"session {id} ended {last.Status}{Cause(last)}, not {Either(wanted)}");
                }

                await Task.Delay(pause, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var now = last is null ? "" : $"; it is {last.Status}";
            throw new CliFailure(ExitCodes.WaitTimedOut,
                $"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s waiting for session {id} to be {Either(wanted)}{now}");
        }
    }

    private static string Cause(SessionDto session) =>
        session.Error is { } error ? $" ({error.Kind}: {error.Message})" : "";

    private static string Either(IReadOnlyList<string> statuses) =>
        statuses.Count == 1 ? statuses[0] : string.Join(" or ", statuses);
}
