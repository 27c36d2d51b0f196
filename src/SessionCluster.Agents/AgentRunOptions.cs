using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <param name="InterruptGrace">How long an interrupted agent may take to stop before it is killed.</param>
/// <param name="FailFastOnAuthError">
/// Kill the agent at the first sign the model API refuses its credentials: Claude answers HTTP 401 by retrying
/// for minutes, and no retry will fix a wrong key.
/// </param>
/// <param name="MaxLineBytes">The longest stdout line kept whole; longer ones are truncated and reported as malformed.</param>
/// <param name="Redactor">Hides secrets in everything the run reports (tails, failure messages). None when null.</param>
public sealed record AgentRunOptions(
    TimeSpan InterruptGrace,
    bool FailFastOnAuthError = true,
    int MaxLineBytes = AgentProcess.DefaultMaxLineBytes,
    SecretRedactor? Redactor = null)
{
    public static readonly TimeSpan DefaultInterruptGrace = TimeSpan.FromSeconds(5);

    public static AgentRunOptions Default { get; } = new(DefaultInterruptGrace);

    public SecretRedactor Redactor { get; init; } = Redactor ?? SecretRedactor.None;

    /// <summary>Told of every agent process and when its tree is gone: the node's <see cref="ReaperProcess"/>; none by default.</summary>
    public IAgentTreeRegistry Trees { get; init; } = AgentTreeRegistry.None;
}
