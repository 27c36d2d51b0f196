namespace SessionCluster.Agents;

/// <summary>
/// A graceful stop, as the agent's protocol has it: SIGINT now (<see cref="Signal"/>), a line that asks the agent to
/// stop its turn (<see cref="Line"/>; the conversation ends stdin once the turn ended), or closing stdin. Whichever it
/// is, an agent still alive after <see cref="AgentRunOptions.InterruptGrace"/> gets SIGINT, then SIGKILL.
/// </summary>
public sealed record AgentInterrupt(string? Line, bool Signal, bool CloseInput)
{
    /// <summary>SIGINT to the agent's group now (Claude).</summary>
    public static AgentInterrupt BySignal { get; } = new(null, Signal: true, CloseInput: false);

    /// <summary>Nothing runs that needs stopping: closing stdin ends the agent.</summary>
    public static AgentInterrupt ByEndingInput { get; } = new(null, Signal: false, CloseInput: true);

    /// <summary>The conversation asks the agent to stop as soon as it can name what to stop (a turn not yet numbered).</summary>
    public static AgentInterrupt Deferred { get; } = new(null, Signal: false, CloseInput: false);

    /// <summary>A request to stop the active turn (Codex <c>turn/interrupt</c>).</summary>
    public static AgentInterrupt ByRequest(string line) => new(line, Signal: false, CloseInput: false);
}
