namespace SessionCluster.Agents;

/// <param name="Executable">A path, or a name looked up on PATH.</param>
/// <param name="ExtraArguments">Appended to every launch, e.g. <c>--allowedTools Bash</c>.</param>
public sealed record ClaudeDriverOptions(string Executable = "claude", IReadOnlyList<string>? ExtraArguments = null)
{
    public IReadOnlyList<string> ExtraArguments { get; init; } = ExtraArguments ?? [];
}
