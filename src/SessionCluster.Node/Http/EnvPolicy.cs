namespace SessionCluster.Node.Http;

/// <summary>
/// Which variables a session's <c>env</c> may set (sessioncluster.sessions.env.deny / .allow). A pattern is a
/// name, <c>PREFIX*</c> or <c>*SUFFIX</c>. Patterns match ignoring ASCII case: Linux would treat <c>path</c> and
/// <c>PATH</c> as two variables, but nothing legitimate needs a lower-case twin of a denied name, and some
/// programs (zsh's tied <c>path</c>, anything that runs on Windows) do not tell them apart.
/// </summary>
public sealed record EnvPolicy(IReadOnlyList<string> Deny, IReadOnlyList<string> Allow)
{
    public const string DenyKey = "sessioncluster.sessions.env.deny";
    public const string AllowKey = "sessioncluster.sessions.env.allow";

    /// <summary>
    /// The defaults of hocon/base.hocon: what picks the program that runs (PATH, the dynamic loader), injects code
    /// into it (NODE_OPTIONS, BASH_ENV, ENV), changes the node's own settings, or sends the node's credentials to
    /// another host (*_BASE_URL).
    /// </summary>
    public static readonly EnvPolicy Default = new(
        ["PATH", "LD_*", "DYLD_*", "NODE_OPTIONS", "BASH_ENV", "ENV", "SESSIONCLUSTER_*", "*_BASE_URL"],
        []);

    /// <summary>The policy read from config; a malformed pattern is a start-up error naming the key.</summary>
    public static EnvPolicy Create(IReadOnlyList<string> deny, IReadOnlyList<string> allow)
    {
        foreach (var (key, patterns) in new[] { (DenyKey, deny), (AllowKey, allow) })
        {
            foreach (var pattern in patterns)
            {
                var inner = pattern.Trim('*');
                if (inner.Length == 0 || inner.Contains('*') || pattern.StartsWith('*') && pattern.EndsWith('*'))
                {
                    throw new FormatException(
                        $"{key}: '{pattern}' is not a pattern; use NAME, PREFIX* or *SUFFIX");
                }
            }
        }

        return new EnvPolicy(deny, allow);
    }

    /// <summary>Why <paramref name="name"/> may not be set, or null when it may.</summary>
    public string? Refusal(string name)
    {
        if (Deny.FirstOrDefault(p => Matches(p, name)) is { } denied)
        {
            return $"env '{name}' may not be set by a session: it matches '{denied}' in {DenyKey}";
        }

        return Allow.Count > 0 && !Allow.Any(p => Matches(p, name))
            ? $"env '{name}' may not be set by a session: {AllowKey} does not list it"
            : null;
    }

    public static bool Matches(string pattern, string name)
    {
        const StringComparison ignoreCase = StringComparison.OrdinalIgnoreCase;
        if (pattern.EndsWith('*'))
        {
            return name.StartsWith(pattern[..^1], ignoreCase);
        }

        return pattern.StartsWith('*')
            ? name.EndsWith(pattern[1..], ignoreCase)
            : string.Equals(pattern, name, ignoreCase);
    }
}
