using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>The agent process could not be started at all; <see cref="Kind"/> says why in the session's terms.</summary>
public sealed class AgentStartException(ErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorKind Kind { get; } = kind;
}
