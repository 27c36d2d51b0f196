using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// What an <see cref="AgentRun"/> reports. Calls come from any thread, one at a time per process and in order:
/// started, then events, then exactly one exit.
/// </summary>
public interface IAgentRunListener
{
    /// <summary>An agent process started; <paramref name="startTime"/> (see <see cref="AgentProcess.StartTime"/>) tells it from a later process with the same pid.</summary>
    void OnProcessStarted(int pid, long startTime);

    /// <summary>Every event the agent's output held, in order.</summary>
    void OnAgentEvent(AgentEvent e);

    /// <summary>The agent told its own conversation id (reported again only when it changes).</summary>
    void OnAgentSessionId(string id, string? model);

    /// <summary>
    /// The agent waits for a person to allow or deny a tool use (answer with <see cref="AgentRun.AnswerPermissionAsync"/>).
    /// The request was reported through <see cref="OnAgentEvent"/> just before.
    /// </summary>
    void OnPermissionRequest(AgentPermissionRequest request)
    {
    }

    /// <summary>
    /// The agent asks a question in the middle of its turn and waits (answer with <see cref="AgentRun.RespondAsync"/>).
    /// The question was reported through <see cref="OnAgentEvent"/> just before.
    /// </summary>
    void OnQuestion(AgentQuestion question)
    {
    }

    /// <summary>A turn ended; <paramref name="next"/> is why the agent now waits (None after an error result).</summary>
    void OnTurnResult(AgentTurnResult result, WaitingReason next);

    /// <summary>The process ended; tails and messages are already free of secrets.</summary>
    void OnExit(AgentExit exit);
}
