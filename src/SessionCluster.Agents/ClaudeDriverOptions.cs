namespace SessionCluster.Agents;

/// <param name="Executable">A path, or a name looked up on PATH.</param>
/// <param name="ExtraArguments">Appended to every launch, e.g. <c>--allowedTools Bash</c>.</param>
public sealed record ClaudeDriverOptions(string Executable = "claude", IReadOnlyList<string>? ExtraArguments = null)
{
    public IReadOnlyList<string> ExtraArguments { get; init; } = ExtraArguments ?? [];

    /// <summary>
    /// How tool permissions are handled. Null: no permission flags, claude's own print-mode default (it refuses what it
    /// would ask, <c>system/permission_denied</c>), which the node keeps until it answers requests itself; then
    /// <see cref="ClaudePermissionMode.Ask"/> becomes the default.
    /// </summary>
    public ClaudePermissionMode? PermissionMode { get; init; }
}
