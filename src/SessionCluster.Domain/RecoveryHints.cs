namespace SessionCluster.Domain;

/// <summary>A concrete next step for each kind of failure, in words a person can act on.</summary>
public static class RecoveryHints
{
    /// <summary>The variable that carries each agent's model API credential.</summary>
    public static string CredentialFor(string agent) => agent switch
    {
        "codex" => "OPENAI_API_KEY",
        _ => "ANTHROPIC_API_KEY",
    };

    /// <summary>Where each agent's model API address is set.</summary>
    private static string BaseUrlOf(string agent) => agent switch
    {
        "codex" => "the model provider's base_url in the config.toml the node's codex sessions start from, sessioncluster.agents.codex.seed-home",
        _ => "the node's ANTHROPIC_BASE_URL for claude",
    };

    public static string For(ErrorKind kind, SessionState session, string? node = null)
    {
        // Without the agent's own conversation id there is nothing to resume: start over instead.
        var resume = string.IsNullOrWhiteSpace(session.AgentSessionId)
            ? "then launch it again with `sessionctl launch`"
            : $"then run `sessionctl resume {session.Id}`";
        return kind switch
        {
            ErrorKind.Auth =>
                // Never a key on a command line: it would land in shell history and in the process list.
                $"The model API refused the credentials. Set a valid {CredentialFor(session.Agent)} for the node " +
                $"(or export it in your shell and pass it by name: `sessionctl launch --env {CredentialFor(session.Agent)}`), {resume}.",
            ErrorKind.ModelApiUnreachable =>
                "The model API could not be reached. Check the node's network, proxy and base URL " +
                $"({BaseUrlOf(session.Agent)}), {resume}.",
            ErrorKind.ModelApiError =>
                $"The model API answered with errors. Check its status and the stderr tail, {resume}.",
            ErrorKind.AgentBinaryMissing =>
                $"The `{session.Agent}` program is not installed on node {node ?? session.Node ?? "?"}. Install it " +
                $"or set sessioncluster.agents.{session.Agent}.executable " +
                $"(env SESSIONCLUSTER_{session.Agent.ToUpperInvariant()}_EXECUTABLE) to its path, then launch again.",
            ErrorKind.BadWorkdir =>
                $"The working directory {session.Workdir} does not exist or cannot be entered on node " +
                $"{node ?? session.Node ?? "?"}. Create it or launch with another --workdir.",
            ErrorKind.NonZeroExit =>
                $"The agent exited with an error. Read the stderr tail, fix the cause, {resume}.",
            ErrorKind.CrashBySignal =>
                $"The agent was killed by a signal it did not expect (out of memory, or another process). {Capitalize(resume)}.",
            ErrorKind.NoResult =>
                $"The agent stopped before it finished its turn. Read the stderr and output tails, {resume}.",
            ErrorKind.AgentError =>
                $"The agent reported an error for this turn. Read the output tail, {resume}.",
            ErrorKind.NodeLost =>
                $"Node {node ?? session.Node ?? "?"} stopped while the agent ran; its process is gone. " +
                $"{Capitalize(resume)} to continue on a live node.",
            _ => $"{Capitalize(resume)}.",
        };
    }

    /// <summary>What a person does about a session the cluster resumed by itself after its node was lost.</summary>
    public static string AutoResumed(SessionState session, string node, string resumedAs) =>
        $"Node {node} stopped while the agent ran; the cluster resumed the session on a live node as {resumedAs} " +
        $"(launched with auto-resume). Follow it with `sessionctl show {resumedAs}`.";

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
