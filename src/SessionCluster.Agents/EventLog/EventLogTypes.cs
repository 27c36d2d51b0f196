namespace SessionCluster.Agents.EventLog;

/// <summary>
/// The closed vocabulary of the per-session event log, the same for every agent kind. Every
/// <see cref="AgentEvent"/> maps to exactly one of these (see <see cref="AgentEventLog.Describe"/>).
/// </summary>
public static class EventLogTypes
{
    /// <summary>Text the assistant wrote (<see cref="AgentText"/>).</summary>
    public const string Text = "text";

    /// <summary>The assistant's visible reasoning (<see cref="AgentThinking"/>).</summary>
    public const string Thinking = "thinking";

    /// <summary>The assistant asked to run a tool (<see cref="AgentToolUse"/>).</summary>
    public const string ToolUse = "tool_use";

    /// <summary>What a tool gave back, or that it was refused (<see cref="AgentToolResult"/>, <see cref="AgentPermissionDenied"/>).</summary>
    public const string ToolResult = "tool_result";

    /// <summary>A shell command the agent ran, with its exit code (<see cref="AgentCommand"/>).</summary>
    public const string Command = "command";

    /// <summary>Files the agent changed (<see cref="AgentFileChange"/>).</summary>
    public const string FileChange = "file_change";

    /// <summary>The agent's plan as it now stands (<see cref="AgentPlan"/>).</summary>
    public const string Plan = "plan";

    /// <summary>The agent waits for a person: a question, or a permission request (<see cref="AgentQuestion"/>, <see cref="AgentPermissionRequest"/>).</summary>
    public const string Question = "question";

    /// <summary>A model API call failed and the agent tries again (<see cref="AgentApiRetry"/>).</summary>
    public const string ApiRetry = "api_retry";

    /// <summary>The agent opened or continued its conversation for a turn (<see cref="AgentInit"/>).</summary>
    public const string TurnStarted = "turn_started";

    /// <summary>A turn ended, with its cost and outcome (<see cref="AgentTurnResult"/>).</summary>
    public const string TurnCompleted = "turn_completed";

    /// <summary>
    /// Something went wrong that the agent reported or that its output showed: the model API gave up
    /// (<see cref="AgentApiError"/>), a notice of its own (<see cref="AgentNotice"/>), a malformed line (<see cref="AgentMalformedLine"/>).
    /// </summary>
    public const string Error = "error";

    /// <summary>A well-formed line of a kind no parser models, kept whole (<see cref="AgentUnknown"/>).</summary>
    public const string Unknown = "unknown";

    /// <summary>Every type, in the order the documentation lists them.</summary>
    public static readonly IReadOnlyList<string> All =
        [Text, Thinking, ToolUse, ToolResult, Command, FileChange, Plan, Question, ApiRetry, TurnStarted, TurnCompleted, Error, Unknown];

    /// <summary>Whether <paramref name="type"/> is one of <see cref="All"/> (exact, lower case).</summary>
    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
