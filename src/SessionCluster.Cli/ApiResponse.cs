namespace SessionCluster.Cli;

/// <summary>An answer of the node: the JSON as sent (for --json) and what it says.</summary>
public sealed record ApiResponse<T>(T Value, string Json);
