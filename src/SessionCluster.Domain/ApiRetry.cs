namespace SessionCluster.Domain;

/// <summary>The agent's model API calls fail and it tries again: a visible state that does not fail the session.</summary>
/// <param name="Since">When the first retry of this run of retries was recorded.</param>
public sealed record ApiRetry(int Attempt, string Message, DateTimeOffset Since);
