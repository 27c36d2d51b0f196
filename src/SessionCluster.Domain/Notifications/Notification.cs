using System.Collections.Immutable;

namespace SessionCluster.Domain.Notifications;

/// <summary>
/// What a person must be told about a session, rendered once, when the event that caused it is persisted
/// (<see cref="NotificationRaised"/> is journaled with that event, atomically: the journal is the outbox). Every text
/// in it is already free of secrets. Its id is not in it: it is the session id and the sequence number of the
/// <see cref="NotificationRaised"/> event (<see cref="IdOf"/>), known to whoever reads the journal.
/// </summary>
/// <param name="Channel">The channel the session named at launch; null for the configured default.</param>
/// <param name="Status">The session's status after the event (wire name).</param>
/// <param name="Text">The rendering for a chat window: short, readable, with the command to run when there is one.</param>
/// <param name="Error">The failure's context (failed, node-lost); null otherwise.</param>
/// <param name="Question">What the agent asks (waiting-for-input on a question).</param>
/// <param name="Permission">What the agent asks to do (permission-request).</param>
/// <param name="Commands">The exact sessionctl lines that act on it (respond, approve, deny, resume), in order.</param>
/// <param name="Duration">From launch to the final status (completed, failed, interrupted, killed, node-lost).</param>
/// <param name="LastOutput">The last characters the agent said (waiting-for-input, completed), when known.</param>
public sealed record Notification(
    NotificationKind Kind,
    string SessionId,
    string SessionName,
    string Agent,
    string Status,
    string? Channel,
    string Text,
    ErrorContext? Error,
    string? Question,
    PermissionRequest? Permission,
    ImmutableList<string> Commands,
    string? LastOutput,
    int Turns,
    decimal CostUsd,
    TokenUsage Usage,
    string? Node,
    TimeSpan? Duration,
    DateTimeOffset At)
{
    /// <summary>The payload's <c>schemaVersion</c>: raised when a field changes meaning or goes away, never for an added one.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The stable id of the notification a session's journal raised at <paramref name="sequenceNr"/>.</summary>
    public static string IdOf(string sessionId, long sequenceNr) => $"{sessionId}:{sequenceNr}";
}
