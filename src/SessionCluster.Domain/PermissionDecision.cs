namespace SessionCluster.Domain;

/// <summary>How a permission request was answered, and by whom: "api" (a person) or "timeout".</summary>
public sealed record PermissionDecision(
    string RequestId,
    string Tool,
    string Summary,
    bool Allowed,
    string? Message,
    string By,
    DateTimeOffset RequestedAt,
    DateTimeOffset DecidedAt);
