namespace SessionCluster.Domain;

/// <summary>A tool use the agent asks a person to allow, pending until answered (or denied by the timeout).</summary>
/// <param name="Summary">What for, in one bounded line: the command, the path(s), or the agent's description.</param>
public sealed record PermissionRequest(string RequestId, string Tool, string Summary, DateTimeOffset RequestedAt);
