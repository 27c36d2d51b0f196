namespace SessionCluster.Contracts;

// Request bodies of the HTTP API. Every field is nullable so the node, not the
// deserializer, decides what is missing and says so in a 400.

/// <summary>POST /api/sessions</summary>
public sealed record LaunchSessionRequest
{
    public string? Agent { get; init; }
    public string? Prompt { get; init; }
    public string? Workdir { get; init; }
    public string? Name { get; init; }
    public string? Model { get; init; }
    public bool? MultiTurn { get; init; }
    public int? MaxAutoResponds { get; init; }
    public Dictionary<string, string>? Env { get; init; }

    /// <summary>One of <see cref="Api.PermissionModes"/>; the node's default for the agent when absent.</summary>
    public string? PermissionMode { get; init; }

    /// <summary>The notification channel (sessioncluster.notifications.channels); the node's default channel when absent.</summary>
    public string? Channel { get; init; }

    /// <summary>When the node running the agent is lost, resume the session on another node (false when absent).</summary>
    public bool? AutoResume { get; init; }

    /// <summary>The node to run on: its Akka address, name or id (any agent host with room when absent).</summary>
    public string? Node { get; init; }
}

/// <summary>POST /api/sessions/{id}/respond</summary>
public sealed record RespondRequest
{
    public string? Message { get; init; }
    public bool Auto { get; init; }
}

/// <summary>POST /api/sessions/{id}/resume</summary>
public sealed record ResumeRequest
{
    public string? Prompt { get; init; }
}

/// <summary>POST /api/sessions/{id}/permission: the answer to the permission request the session waits on.</summary>
public sealed record PermissionAnswerRequest
{
    /// <summary>"allow" or "deny".</summary>
    public string? Decision { get; init; }

    /// <summary>Why, for a deny: the agent passes it on to the model.</summary>
    public string? Message { get; init; }

    /// <summary>Allow the same kind of request for the rest of the session, where the agent can (Claude's "always allow", Codex's "accept for session").</summary>
    public bool Remember { get; init; }
}

/// <summary>POST /api/sessions/prune: remove finished sessions now, as the background retention would.</summary>
public sealed record PruneRequest
{
    /// <summary>A finished chain older than this goes ("7d", "12h", "30m", "90s"); the node's max-age when absent.</summary>
    public string? OlderThan { get; init; }

    /// <summary>At most this many finished sessions stay; the node's max-finished-sessions when absent.</summary>
    public int? Keep { get; init; }

    /// <summary>Only say what would be removed.</summary>
    public bool DryRun { get; init; }
}
