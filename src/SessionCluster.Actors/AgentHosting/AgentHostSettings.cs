using SessionCluster.Agents;

namespace SessionCluster.Actors.AgentHosting;

/// <param name="NodeName">This node's stable name, recorded with every process it starts.</param>
/// <param name="Drivers">The agents this node can run, by name.</param>
public sealed record AgentHostSettings(string NodeName, IReadOnlyDictionary<string, IAgentDriver> Drivers, AgentRunOptions RunOptions);
