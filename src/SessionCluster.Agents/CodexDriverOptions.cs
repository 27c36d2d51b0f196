namespace SessionCluster.Agents;

/// <param name="Executable">A path, or a name looked up on PATH.</param>
/// <param name="HomesRoot">Where each codex session gets its own CODEX_HOME, <c>&lt;HomesRoot&gt;/&lt;session id&gt;</c>.</param>
/// <param name="SeedHome">The CODEX_HOME whose <c>config.toml</c> and <c>auth.json</c> every session home starts with; none when null.</param>
public sealed record CodexDriverOptions(string Executable = "codex", string? HomesRoot = null, string? SeedHome = null)
{
    /// <summary>The files a session home is seeded with: the provider configuration and the login.</summary>
    public static readonly IReadOnlyList<string> SeedFiles = ["config.toml", "auth.json"];

    /// <summary>The version the client names in <c>initialize</c> (codex puts it into its user agent).</summary>
    public string ClientVersion { get; init; } = typeof(CodexDriverOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
