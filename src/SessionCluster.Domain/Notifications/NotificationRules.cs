using System.Collections.Immutable;

namespace SessionCluster.Domain.Notifications;

/// <summary>
/// Which session events a person must be told about, and what they are told: pure, so the entity persists the
/// notifications with the events that raise them, in one atomic write (the journal is the outbox).
/// </summary>
/// <remarks>
/// <code>
/// event                                   kind                 sent by default
/// --------------------------------------  -------------------  ---------------
/// SessionLaunched                         launched             no
/// Responded                               responded            no
/// TurnCompleted                           turn-completed       no
/// WaitingForInput (not for a permission)  waiting-for-input    yes
/// PermissionRequested (each one)          permission-request   yes
/// SessionCompleted                        completed            yes
/// SessionFailed                           failed               yes
/// SessionFailed (error kind node-lost)    node-lost            yes
/// SessionInterrupted                      interrupted          yes
/// SessionKilled                           killed               yes
/// </code>
/// The <see cref="WaitingForInput"/> for <see cref="WaitingReason.Permission"/> that follows a request raises nothing:
/// the permission request said it, with the lines that answer it.
/// </remarks>
public static class NotificationRules
{
    /// <summary>How much of what the agent said last a waiting-for-input notification carries when it asked nothing.</summary>
    public const int WaitingTextChars = 200;

    /// <summary>
    /// <paramref name="events"/> (one decision's, in order) with a <see cref="NotificationRaised"/> right after each event
    /// that raises a notification of one of <paramref name="kinds"/>, at that event's time. Each event is judged on the
    /// state the events before it made (folded through <see cref="Session.Apply"/> from <paramref name="before"/>), so a
    /// turn's end sees that turn's words. <paramref name="events"/> itself when nothing is raised; nothing is folded when
    /// no event can raise one of <paramref name="kinds"/>, which is most decisions.
    /// </summary>
    public static IReadOnlyList<SessionEvent> WithNotifications(
        SessionState? before, IReadOnlyList<SessionEvent> events, IReadOnlySet<NotificationKind> kinds)
    {
        var last = -1;
        for (var i = 0; i < events.Count; i++)
        {
            if (KindOf(events[i]) is { } kind && kinds.Contains(kind))
            {
                last = i;
            }
        }

        if (last < 0)
        {
            return events;
        }

        List<SessionEvent>? raised = null;
        var state = before;
        for (var i = 0; i <= last; i++)
        {
            var @event = events[i];
            var after = Session.Apply(state, @event);
            if (KindOf(@event) is { } kind && kinds.Contains(kind) && Raise(state, @event, after) is { } notification)
            {
                if (raised is null)
                {
                    raised = new List<SessionEvent>(events.Count + 2);
                    for (var j = 0; j < i; j++)
                    {
                        raised.Add(events[j]);
                    }
                }

                raised.Add(@event);
                raised.Add(new NotificationRaised(notification, @event.At));
            }
            else
            {
                raised?.Add(@event);
            }

            state = after;
        }

        if (raised is null)
        {
            return events;
        }

        for (var i = last + 1; i < events.Count; i++)
        {
            raised.Add(events[i]);
        }

        return raised;
    }

    /// <summary>The kind of notification <paramref name="event"/> raises, whatever is configured; null for none.</summary>
    public static NotificationKind? KindOf(SessionEvent @event) => @event switch
    {
        SessionLaunched => NotificationKind.Launched,
        Responded => NotificationKind.Responded,
        TurnCompleted => NotificationKind.TurnCompleted,
        WaitingForInput { Reason: not WaitingReason.Permission } => NotificationKind.WaitingForInput,
        PermissionRequested => NotificationKind.PermissionRequest,
        SessionCompleted => NotificationKind.Completed,
        SessionFailed { Error.Kind: ErrorKind.NodeLost } => NotificationKind.NodeLost,
        SessionFailed => NotificationKind.Failed,
        SessionInterrupted => NotificationKind.Interrupted,
        SessionKilled => NotificationKind.Killed,
        _ => null,
    };

    /// <summary>
    /// The notification <paramref name="event"/> raises, moving the session from <paramref name="before"/> to
    /// <paramref name="after"/> (<see cref="Session.Apply"/> of it), whatever kinds are configured; null when it raises
    /// none. Every text in it is masked with the session's secret-named variables (<see cref="SecretRedactor.ForEnvironment"/>).
    /// </summary>
    public static Notification? Raise(SessionState? before, SessionEvent @event, SessionState after)
    {
        if (KindOf(@event) is not { } kind)
        {
            return null;
        }

        var redactor = SecretRedactor.ForEnvironment(after.Env);
        var id = after.Id;
        var notification = new Notification(
            kind,
            id,
            redactor.Redact(after.Name),
            after.Agent,
            after.Status.ToWire(),
            after.Launch.Channel,
            Text: string.Empty,
            Error: null,
            Question: null,
            Permission: null,
            Commands: ImmutableList<string>.Empty,
            LastOutput: null,
            after.TurnsCompleted,
            after.CostUsd,
            after.Usage,
            after.Node,
            Duration: null,
            @event.At);

        notification = @event switch
        {
            WaitingForInput e => notification with
            {
                Question = Masked(redactor, e.Question),
                LastOutput = Masked(redactor, after.LastText is null ? null : Tail.Of(after.LastText, WaitingTextChars)),
                Commands = [SessionctlCommands.Respond(id)],
            },
            PermissionRequested e => notification with
            {
                Permission = new PermissionRequest(e.RequestId, redactor.Redact(e.Tool), redactor.Redact(e.Summary), e.At),
                Commands = [SessionctlCommands.Approve(id), SessionctlCommands.Deny(id)],
            },
            TurnCompleted => notification with { LastOutput = Masked(redactor, after.LastText) },
            SessionCompleted => notification with { Duration = DurationOf(after, @event), LastOutput = Masked(redactor, after.LastText) },
            SessionFailed e => notification with
            {
                Error = Masked(redactor, e.Error),
                Duration = DurationOf(after, @event),
                Commands = ResumeOffered(after, e.Error.Kind) ? [SessionctlCommands.Resume(id)] : [],
            },
            SessionInterrupted => notification with
            {
                Duration = DurationOf(after, @event),
                Commands = ResumeOffered(after, null) ? [SessionctlCommands.Resume(id)] : [],
            },
            SessionKilled => notification with { Duration = DurationOf(after, @event) },
            _ => notification,
        };

        return notification with { Text = NotificationText.Render(notification, @event, before, after, redactor) };
    }

    /// <summary>What <c>sessionctl notify test</c> sends to <paramref name="channel"/>: no session behind it.</summary>
    public static Notification Test(string channel, string? node, DateTimeOffset at)
    {
        var test = new Notification(
            NotificationKind.Test,
            SessionId: string.Empty,
            SessionName: string.Empty,
            Agent: string.Empty,
            Status: string.Empty,
            channel,
            Text: string.Empty,
            Error: null,
            Question: null,
            Permission: null,
            Commands: ImmutableList<string>.Empty,
            LastOutput: null,
            Turns: 0,
            CostUsd: 0m,
            TokenUsage.Zero,
            node,
            Duration: null,
            at);
        return test with { Text = NotificationText.Render(test) };
    }

    /// <summary>
    /// Whether <c>sessionctl resume</c> can continue the session: its agent started a conversation, and the failure is
    /// not one a resume would meet again on the same node (no agent program there, no working directory).
    /// </summary>
    private static bool ResumeOffered(SessionState after, ErrorKind? failure) =>
        !string.IsNullOrWhiteSpace(after.AgentSessionId) && failure is not (ErrorKind.AgentBinaryMissing or ErrorKind.BadWorkdir);

    /// <summary>From launch to the final status.</summary>
    private static TimeSpan DurationOf(SessionState after, SessionEvent @event) => (after.FinishedAt ?? @event.At) - after.CreatedAt;

    private static string? Masked(SecretRedactor redactor, string? text) => text is null ? null : redactor.Redact(text);

    private static ErrorContext Masked(SecretRedactor redactor, ErrorContext error) => error with
    {
        Message = redactor.Redact(error.Message),
        StderrTail = redactor.Redact(error.StderrTail),
        OutputTail = redactor.Redact(error.OutputTail),
        Suggestion = redactor.Redact(error.Suggestion),
    };
}
