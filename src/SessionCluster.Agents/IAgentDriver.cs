namespace SessionCluster.Agents;

/// <summary>One agent kind: how to launch it, how to talk to it, how to read it.</summary>
public interface IAgentDriver
{
    /// <summary>The agent's name as sessions know it ("claude").</summary>
    string Agent { get; }

    AgentProcessSpec Launch(AgentLaunchRequest request);

    /// <summary>How <paramref name="message"/> reaches the agent of a session launched with <paramref name="request"/>.</summary>
    /// <param name="agentSessionId">The agent's own conversation id, once it has told it.</param>
    AgentInput Respond(string message, AgentLaunchRequest request, string? agentSessionId);

    /// <summary>A parser for one process's output (parsers may keep state between lines).</summary>
    IAgentOutputParser CreateParser();

    /// <summary>The stdin line that answers <paramref name="request"/>; null for an agent that never asks.</summary>
    /// <param name="message">Why, for a deny: the agent passes it on to the model.</param>
    /// <param name="remember">Allow the same kind of request for the rest of the session, where the agent can.</param>
    string? PermissionResponse(AgentPermissionRequest request, bool allow, string? message, bool remember) => null;
}
