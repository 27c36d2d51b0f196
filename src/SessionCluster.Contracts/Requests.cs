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
