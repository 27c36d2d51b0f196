namespace SessionCluster.Agents;

/// <summary>
/// Where a node notes the agents it runs, so that something outside the node ends them if the node dies
/// (<see cref="ReaperProcess"/>). Called from any thread.
/// </summary>
public interface IAgentTreeRegistry
{
    /// <summary>An agent process started.</summary>
    void Register(AgentTree tree);

    /// <summary>The agent process ended and nothing of its tree is left.</summary>
    void Unregister(AgentTree tree);
}

/// <summary>Registries that need no process of their own.</summary>
public static class AgentTreeRegistry
{
    /// <summary>Notes nothing: agents die with the node only if the node stops them (tests, tools).</summary>
    public static IAgentTreeRegistry None { get; } = new NoRegistry();

    private sealed class NoRegistry : IAgentTreeRegistry
    {
        public void Register(AgentTree tree)
        {
        }

        public void Unregister(AgentTree tree)
        {
        }
    }
}
