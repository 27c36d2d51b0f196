namespace SessionCluster.Agents;

/// <summary>
/// One line of an agent's stdout, without its newline. <paramref name="truncated"/> marks the first bytes of a
/// line longer than the limit; the rest of that line is dropped.
/// </summary>
public delegate void OutputLineHandler(ReadOnlySpan<byte> line, bool truncated);
