namespace SessionCluster.Agents;

/// <summary>
/// The protocol of one agent process, owned by its driver: what its stdout lines mean, which lines answer them,
/// and how a respond, a permission answer and an interrupt reach the agent. <see cref="AgentRun"/> only moves
/// lines and applies the agent-neutral rules. <see cref="Read"/> is called by one thread (the output pump); the
/// other members may be called from any thread meanwhile.
/// </summary>
public interface IAgentConversation
{
    /// <summary>
    /// Reads one UTF-8 stdout line (without its newline): appends the events it holds, and the stdin lines that must
    /// answer it (Codex: <c>turn/start</c> once <c>thread/start</c> named the thread). Never throws on what it reads.
    /// </summary>
    void Read(ReadOnlySpan<byte> line, ICollection<AgentEvent> events, ICollection<string> replies);

    /// <summary>The stdin line that carries a person's message: the next turn, or the answer to a pending question.</summary>
    /// <exception cref="InvalidOperationException">The agent cannot take a message now (still starting, or busy with a turn).</exception>
    string Respond(string message);

    /// <summary>The stdin line that answers a permission request this conversation reported.</summary>
    /// <param name="message">Why, for a deny: passed on to the model where the agent can.</param>
    /// <param name="remember">Allow the same kind of request for the rest of the session, where the agent can.</param>
    string AnswerPermission(AgentPermissionRequest request, bool allow, string? message, bool remember);

    /// <summary>How to stop the agent gracefully now; a signal follows after the grace if it still runs.</summary>
    AgentInterrupt Interrupt();

    /// <summary>Whether stdin closes after <paramref name="result"/>, which ends the process.</summary>
    /// <param name="multiTurn">The session takes more turns after this one.</param>
    bool EndsInputAfter(AgentTurnResult result, bool multiTurn);
}
