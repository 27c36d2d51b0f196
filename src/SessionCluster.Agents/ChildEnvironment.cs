namespace SessionCluster.Agents;

/// <summary>What an agent's environment is made of: the node's, less the node's own settings, plus the session's.</summary>
internal static class ChildEnvironment
{
    /// <summary>The node's own variables (its API token, data dir, agent paths) are none of an agent's business.</summary>
    public const string NodePrefix = "SESSIONCLUSTER_";

    public const string ApiTokenVariable = "SESSIONCLUSTER_API_TOKEN";

    /// <param name="environment">Starts as the node's own (as ProcessStartInfo fills it); changed in place.</param>
    public static void Apply(IDictionary<string, string?> environment, IReadOnlyDictionary<string, string> session, string mark)
    {
        foreach (var name in environment.Keys.Where(n => n.StartsWith(NodePrefix, StringComparison.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        foreach (var (name, value) in session)
        {
            environment[name] = value;
        }

        // Not even a session may hand an agent the node's token variable; the mark is the node's to set.
        environment.Remove(ApiTokenVariable);
        environment[AgentTree.MarkVariable] = mark;
    }
}
