using System.Globalization;
using System.Text;

namespace SessionCluster.Domain.Notifications;

/// <summary>
/// <see cref="Notification.Text"/>: what a chat window shows. The first line says what happened to which session
/// ("⏳ Session fix-tests (abc123) is waiting for input: ..."), a few short lines follow when there is more to know,
/// and the last lines are <see cref="Notification.Commands"/>, each labelled, to copy and run.
/// </summary>
public static class NotificationText
{
    /// <summary>The longest piece of the agent's or a person's words a line quotes.</summary>
    public const int QuoteChars = 200;

    /// <summary>How many of the stderr tail's last lines a failure shows.</summary>
    public const int StderrLines = 3;

    /// <summary>How much of the output tail a failure shows (the whole tail is in <see cref="ErrorContext.OutputTail"/>).</summary>
    public const int OutputChars = 300;

    private const int NameChars = 80;

    /// <summary>
    /// The text of <paramref name="notification"/>, raised by <paramref name="cause"/> moving the session from
    /// <paramref name="before"/> to <paramref name="after"/>: the event tells what the notification's fields do not
    /// (the answer sent, the prompt, why it was stopped). Masked with the session's secret-named variables.
    /// </summary>
    public static string Render(Notification notification, SessionEvent cause, SessionState? before, SessionState after) =>
        Render(notification, cause, before, after, SecretRedactor.ForEnvironment(after.Env));

    /// <summary>The text of <paramref name="notification"/> from its own fields alone (a test notification, or a re-rendering).</summary>
    public static string Render(Notification notification) => Compose(notification, null, null, null);

    internal static string Render(Notification notification, SessionEvent cause, SessionState? before, SessionState after, SecretRedactor redactor) =>
        redactor.Redact(Compose(notification, cause, before, after));

    private static string Compose(Notification n, SessionEvent? cause, SessionState? before, SessionState? after)
    {
        var text = new StringBuilder();
        var session = SessionWords(n);
        switch (n.Kind)
        {
            case NotificationKind.WaitingForInput:
                var reason = (cause as WaitingForInput)?.Reason;
                if (!string.IsNullOrWhiteSpace(n.Question))
                {
                    text.Append(CultureInfo.InvariantCulture, $"⏳ {session} is waiting for input: {Head(n.Question, QuoteChars * 2)}");
                }
                else
                {
                    var why = reason == WaitingReason.Question ? "it asks a question" : "its turn is done";
                    text.Append(CultureInfo.InvariantCulture, $"⏳ {session} is waiting for input ({why}).");
                    if (!string.IsNullOrWhiteSpace(n.LastOutput))
                    {
                        Line(text, $"It said: “{TailQuote(n.LastOutput, QuoteChars)}”");
                    }
                }

                break;

            case NotificationKind.PermissionRequest:
                var asked = n.Permission;
                text.Append(CultureInfo.InvariantCulture,
                    $"🔐 {session} asks permission to use {asked?.Tool ?? "a tool"}: {Head(asked?.Summary, QuoteChars * 2)}");
                // The CLI answers the oldest pending request: a queued one is answered after it.
                if (asked is not null && after?.PendingPermission is { } pending && pending.RequestId != asked.RequestId)
                {
                    Line(text, $"Asked while {pending.Tool}: {Head(pending.Summary, QuoteChars / 2)} waits for an answer: approve and deny answer that one first.");
                }

                break;

            case NotificationKind.Launched:
                text.Append(CultureInfo.InvariantCulture, $"🚀 {session} launched: {n.Agent}");
                if (after is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $" in {after.Workdir}");
                    if (after.ResumedFromId is { } from)
                    {
                        text.Append(CultureInfo.InvariantCulture, $", resuming {from}");
                    }

                    Line(text, $"Prompt: {Head(after.Prompt, QuoteChars)}");
                }

                break;

            case NotificationKind.Responded:
                text.Append(CultureInfo.InvariantCulture, $"💬 {session} was answered");
                if (cause is Responded responded)
                {
                    text.Append(responded.Auto ? " automatically: " : ": ").Append(Head(responded.Message, QuoteChars));
                }

                break;

            case NotificationKind.TurnCompleted:
                text.Append(CultureInfo.InvariantCulture, $"🔁 {session} finished turn {n.Turns} ({Spent(n)} so far)");
                if (!string.IsNullOrWhiteSpace(n.LastOutput))
                {
                    text.Append(CultureInfo.InvariantCulture, $": “{TailQuote(n.LastOutput, QuoteChars)}”");
                }

                break;

            case NotificationKind.Completed:
                text.Append(CultureInfo.InvariantCulture, $"✅ {session} completed: {Summary(n)}.");
                if (!string.IsNullOrWhiteSpace(n.LastOutput))
                {
                    Line(text, $"Final message: “{TailQuote(n.LastOutput, QuoteChars)}”");
                }

                break;

            case NotificationKind.Failed:
                var error = n.Error;
                text.Append(CultureInfo.InvariantCulture, $"❌ {session} failed: {Head(error?.Message, QuoteChars)}");
                if (error is not null)
                {
                    Line(text, string.Join(" · ", new[] { error.Kind.ToWire(), ExitOf(error), Summary(n) }.Where(part => part.Length > 0)));
                    Details(text, error);
                }

                break;

            case NotificationKind.NodeLost:
                text.Append(CultureInfo.InvariantCulture,
                    $"📡 {session} lost its node{(n.Node is null ? string.Empty : " " + n.Node)}: {Head(n.Error?.Message, QuoteChars)}");
                Line(text, $"Ran {Summary(n)} so far.");
                if (n.Error is { Suggestion.Length: > 0 } lost)
                {
                    Line(text, $"What to do: {lost.Suggestion}");
                }

                break;

            case NotificationKind.Interrupted:
                var stopReason = (cause as SessionInterrupted)?.Reason;
                var how = stopReason is null ? "on request" : $"({stopReason})";
                text.Append(CultureInfo.InvariantCulture, $"⏸️ {session} was interrupted {how}{While(before)}: its agent is asked to stop gracefully.");
                Line(text, $"Ran {Summary(n)}.");
                break;

            case NotificationKind.Killed:
                text.Append(CultureInfo.InvariantCulture, $"🛑 {session} was killed{While(before)}: a hard stop, its agent process is ended at once.");
                Line(text, $"Ran {Summary(n)}.");
                break;

            case NotificationKind.Test:
                text.Append(CultureInfo.InvariantCulture,
                    $"🔔 Test notification from SessionCluster{(n.Node is null ? string.Empty : " on " + n.Node)} to channel {n.Channel ?? "(default)"}: if you read this, the channel works.");
                break;

            default:
                text.Append(CultureInfo.InvariantCulture, $"{session}: {n.Kind.ToWire()} ({n.Status}).");
                break;
        }

        foreach (var command in n.Commands)
        {
            Line(text, $"{LabelOf(command)}: {command}");
        }

        return text.ToString();
    }

    /// <summary>"Session fix-tests (abc123)", or "Session abc123" when the name is the id.</summary>
    private static string SessionWords(Notification n)
    {
        var name = Head(n.SessionName, NameChars);
        return name.Length == 0 || name == n.SessionId ? $"Session {n.SessionId}" : $"Session {name} ({n.SessionId})";
    }

    private static void Details(StringBuilder text, ErrorContext error)
    {
        var stderr = error.StderrTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (stderr.Length > 0)
        {
            Line(text, "stderr:");
            foreach (var line in stderr.Skip(Math.Max(0, stderr.Length - StderrLines)))
            {
                Line(text, "  " + Head(line, QuoteChars));
            }
        }

        if (!string.IsNullOrWhiteSpace(error.OutputTail))
        {
            Line(text, $"output: {TailQuote(error.OutputTail, OutputChars)}");
        }

        if (error.Suggestion.Length > 0)
        {
            Line(text, $"What to do: {error.Suggestion}");
        }
    }

    private static string ExitOf(ErrorContext error) =>
        error.Signal is { } signal ? $"signal {signal.ToString(CultureInfo.InvariantCulture)}"
        : error.ExitCode is { } code ? $"exit code {code.ToString(CultureInfo.InvariantCulture)}"
        : string.Empty;

    private static string LabelOf(string command) => command.Split(' ', 3) switch
    {
        [_, "respond", ..] => "Answer",
        [_, "approve", ..] => "Allow",
        [_, "deny", ..] => "Deny",
        [_, "resume", ..] => "Resume",
        _ => "Run",
    };

    /// <summary>" while it was waiting for input": what it was doing when it was stopped.</summary>
    private static string While(SessionState? before) =>
        before is null ? string.Empty : $" while it was {before.Status.ToWire().Replace('-', ' ')}";

    /// <summary>"4m 12s, 3 turns, $1.23": how long (when known), how far, at what cost.</summary>
    private static string Summary(Notification n) =>
        (n.Duration is { } d ? Duration(d) + ", " : string.Empty) + $"{Turns(n.Turns)}, {Spent(n)}";

    private static string Turns(int turns) => turns == 1 ? "1 turn" : $"{turns.ToString(CultureInfo.InvariantCulture)} turns";

    /// <summary>The cost, or the tokens when the agent reports no cost (codex).</summary>
    public static string Spent(Notification n) =>
        n.CostUsd != 0m ? "$" + n.CostUsd.ToString("0.00##", CultureInfo.InvariantCulture)
        : n.Usage.InputTokens + n.Usage.OutputTokens > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{n.Usage.InputTokens:N0} tokens in, {n.Usage.OutputTokens:N0} out")
            : "no cost reported";

    /// <summary>"850 ms", "12s", "4m 12s", "1h 03m", "2d 5h".</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.Zero ? "0s"
        : span.TotalSeconds < 1 ? $"{(int)span.TotalMilliseconds} ms"
        : span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds}s"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m {span.Seconds:00}s"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
        : $"{(int)span.TotalDays}d {span.Hours}h";

    private static void Line(StringBuilder text, string line) => text.Append('\n').Append(line);

    /// <summary>On one line, at most <paramref name="chars"/> characters from the start.</summary>
    private static string Head(string? text, int chars)
    {
        var line = OneLine(text);
        return line.Length <= chars ? line : Cut(line, chars - 1) + "…";
    }

    /// <summary>On one line, at most <paramref name="chars"/> characters from the end: what was said last counts.</summary>
    private static string TailQuote(string? text, int chars)
    {
        var line = OneLine(text);
        return line.Length <= chars ? line : "…" + Tail.Of(line, chars - 1);
    }

    private static string OneLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? string.Empty : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    // Never half a surrogate pair.
    private static string Cut(string text, int chars) =>
        text.Length <= chars ? text : char.IsHighSurrogate(text[chars - 1]) ? text[..(chars - 1)] : text[..chars];
}
