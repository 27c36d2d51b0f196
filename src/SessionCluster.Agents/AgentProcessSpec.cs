namespace SessionCluster.Agents;

/// <summary>Exactly how to start one agent process: no shell ever sees these arguments.</summary>
/// <param name="Environment">Added to (and overriding) the node's own environment.</param>
/// <param name="StdinLines">Written to the process's stdin right after it starts.</param>
/// <param name="KeepStdinOpen">False closes stdin after <paramref name="StdinLines"/> (agents that read stdin to its end).</param>
public sealed record AgentProcessSpec(
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> StdinLines,
    bool KeepStdinOpen);
