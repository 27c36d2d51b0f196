namespace SessionCluster.Agents;

public static class AgentOutputParsing
{
    /// <summary>The events of one line, as a new list.</summary>
    public static IReadOnlyList<AgentEvent> Parse(this IAgentOutputParser parser, ReadOnlySpan<byte> line)
    {
        var events = new List<AgentEvent>(1);
        parser.Parse(line, events);
        return events;
    }
}
