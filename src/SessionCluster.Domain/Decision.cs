namespace SessionCluster.Domain;

/// <summary>Why a command was refused; <see cref="RejectionCode"/> decides the HTTP status.</summary>
public sealed record Rejection(RejectionCode Code, string Reason);

public enum RejectionCode
{
    /// <summary>No session with that id (404).</summary>
    UnknownSession,

    /// <summary>The command is not allowed in the session's current status (409).</summary>
    IllegalTransition,

    /// <summary>The command itself is malformed (400).</summary>
    InvalidInput,

    /// <summary>The session already exists (409).</summary>
    AlreadyExists,

    /// <summary>The auto-respond cap is reached (409).</summary>
    AutoRespondCapReached,

    /// <summary>The session's journal holds an event this node cannot read, e.g. one a newer version wrote (409).</summary>
    Unreadable,

    /// <summary>A permission answer for a request that is not pending (none asked, or already answered) (409).</summary>
    NoPendingPermission,

    /// <summary>Nothing can take the command now (no agent host with room, the node leaving); try again later (503).</summary>
    Unavailable,
}

/// <summary>The outcome of <see cref="Session.Decide"/>: events to persist, or a rejection.</summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<SessionEvent> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public IReadOnlyList<SessionEvent> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params SessionEvent[] events) => new(events, null);

    public static Decision Reject(RejectionCode code, string reason) => new([], new Rejection(code, reason));
}
