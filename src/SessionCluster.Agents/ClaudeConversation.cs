namespace SessionCluster.Agents;

/// <summary>
/// One claude process in stream-json mode: every stdout line is read by <see cref="ClaudeStreamJsonParser"/> and
/// needs no answer; a respond is a user line, a permission answer a <c>control_response</c> line, an interrupt SIGINT.
/// </summary>
internal sealed class ClaudeConversation : IAgentConversation
{
    private readonly ClaudeStreamJsonParser parser = new();

    public void Read(ReadOnlySpan<byte> line, ICollection<AgentEvent> events, ICollection<string> replies) => parser.Parse(line, events);

    public string Respond(string message) => ClaudeDriver.UserMessageLine(message);

    public string AnswerPermission(AgentPermissionRequest request, bool allow, string? message, bool remember) =>
        ClaudeDriver.PermissionResponseLine(request.RequestId, allow, message, request.InputJson);

    // Claude prints the partial answer and an error result on SIGINT, then exits.
    public AgentInterrupt Interrupt() => AgentInterrupt.BySignal;

    // After an error result claude waits for a next line that would only fail again; a single turn is all it gets.
    public bool EndsInputAfter(AgentTurnResult result, bool multiTurn) => result.IsError || !multiTurn;
}
