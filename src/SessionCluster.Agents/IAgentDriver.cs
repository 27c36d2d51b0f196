namespace SessionCluster.Agents;

/// <summary>One agent kind: how to launch it, and the protocol its processes speak (see <see cref="IAgentConversation"/>).</summary>
public interface IAgentDriver
{
    /// <summary>The agent's name as sessions know it ("claude", "codex").</summary>
    string Agent { get; }

    /// <summary>The program the driver starts (a path, or a name looked up on the node's PATH); null when it says none.</summary>
    string? Executable => null;

    /// <summary>The process to start for <paramref name="request"/>: argv, environment, and the lines written first.</summary>
    /// <exception cref="AgentStartException">The launch cannot work (a mode the agent refuses, a home it cannot have).</exception>
    AgentProcessSpec Launch(AgentLaunchRequest request);

    /// <summary>
    /// The protocol state of one process started from <see cref="Launch"/>: new for every process, as a
    /// conversation may keep state between lines (ids it waits for, the active turn, pending questions).
    /// </summary>
    IAgentConversation Converse(AgentLaunchRequest request);
}
