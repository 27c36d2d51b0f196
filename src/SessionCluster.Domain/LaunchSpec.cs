using System.Collections.Immutable;

namespace SessionCluster.Domain;

/// <summary>
/// What a session was launched to do, and how: the one record the launch fields travel in, from the HTTP request
/// through the command, the event, the state and the agent host to the driver.
/// </summary>
/// <param name="Env">The session's own environment variables, on top of the node's. Values may be secrets: never show them.</param>
/// <param name="PermissionMode">The mode the session runs in; the node's default is resolved before launch, so the journal holds the one used.</param>
/// <param name="Channel">The notification channel the session named at launch; null for the configured default.</param>
/// <param name="ResumedFrom">The session and agent conversation this one continues, for a resume.</param>
/// <param name="AutoResume">
/// When the node running the agent is lost, the cluster resumes the session on another node (a new session, linked to
/// this one) instead of only failing it. Kept by every resume, so the new session resumes again if its node is lost too.
/// </param>
public sealed record LaunchSpec(
    string Agent,
    string Prompt,
    string Workdir,
    string? Model,
    bool MultiTurn,
    int MaxAutoResponds,
    ImmutableSortedDictionary<string, string> Env,
    PermissionMode PermissionMode = PermissionMode.Ask,
    ResumeLink? ResumedFrom = null,
    string? Channel = null,
    bool AutoResume = false);
