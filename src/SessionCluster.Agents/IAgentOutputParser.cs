namespace SessionCluster.Agents;

/// <summary>Turns an agent's output, one line at a time, into <see cref="AgentEvent"/>s.</summary>
public interface IAgentOutputParser
{
    /// <summary>
    /// Appends the events one UTF-8 line (without its newline) holds: none for a blank line, several for an
    /// assistant message with several content blocks. Never throws: a bad line becomes <see cref="AgentMalformedLine"/>.
    /// </summary>
    void Parse(ReadOnlySpan<byte> line, ICollection<AgentEvent> events);
}
