namespace SessionCluster.Agents;

/// <summary>
/// How a respond reaches an agent. Claude keeps one process and reads each turn from stdin; Codex runs one
/// process per turn (<c>codex exec --json ... resume &lt;thread_id&gt; &lt;message&gt;</c>).
/// </summary>
public abstract record AgentInput;

/// <summary>Write this line to the live process's stdin.</summary>
public sealed record WriteStdin(string Line) : AgentInput;

/// <summary>Start a new process for the next turn, once the previous one has exited.</summary>
public sealed record StartProcess(AgentProcessSpec Spec) : AgentInput;
