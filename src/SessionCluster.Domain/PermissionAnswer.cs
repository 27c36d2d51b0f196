namespace SessionCluster.Domain;

/// <summary>A decided answer on its way to the agent: what the agent host writes to the agent, until it confirms.</summary>
/// <param name="Message">Why, when denied: the agent tells the model.</param>
/// <param name="Remember">Allow the same kind of request for the rest of the session, where the agent can.</param>
public sealed record PermissionAnswer(string RequestId, bool Allow, string? Message, bool Remember);
