namespace SessionCluster.Agents;

/// <summary>What Claude may do without asking, and whether it asks at all.</summary>
public enum ClaudePermissionMode
{
    /// <summary>Claude's default rules; whatever needs approval becomes a request a person answers.</summary>
    Ask,

    /// <summary>File edits (and writes in the working directory) go ahead; the rest is asked.</summary>
    AcceptEdits,

    /// <summary>Claude plans and changes nothing.</summary>
    Plan,

    /// <summary>Nothing is asked. Claude refuses this when it runs as root.</summary>
    Bypass,
}
