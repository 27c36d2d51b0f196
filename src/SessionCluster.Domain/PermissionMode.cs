namespace SessionCluster.Domain;

/// <summary>What a session's agent may do without asking a person. Each driver maps it onto its agent's own flags.</summary>
public enum PermissionMode
{
    /// <summary>Whatever the agent would ask goes to a person (the default).</summary>
    Ask,

    /// <summary>File edits inside the workdir go ahead; anything else is asked.</summary>
    AcceptEdits,

    /// <summary>Everything is allowed: for trusted, sandboxed runs (claude refuses it when the node runs as root).</summary>
    Bypass,

    /// <summary>Read-only: the agent plans and changes nothing.</summary>
    Plan,
}
