namespace SessionCluster.Testing;

/// <summary>The environment an agent process needs in a test: its own home, a local model server, no other traffic.</summary>
public static class AgentTestEnvironment
{
    public const string TestApiKey = "test-key";

    /// <summary>
    /// Variables for a claude process that talks only to <paramref name="baseUrl"/> and keeps its files
    /// (config, transcripts, temp) under <paramref name="home"/>.
    /// </summary>
    /// <param name="apiKey">Empty makes claude "Not logged in".</param>
    /// <param name="maxRetries">
    /// CLAUDE_CODE_MAX_RETRIES: claude retries a failed API call 10 times with delays growing to about 40 s;
    /// tests of a failing API set a small number so the agent gives up in seconds.
    /// </param>
    public static IReadOnlyDictionary<string, string> Claude(string baseUrl, string home, string apiKey = TestApiKey, int? maxRetries = null)
    {
        var temp = Directory.CreateDirectory(Path.Combine(home, "tmp")).FullName;
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["CLAUDE_CONFIG_DIR"] = Path.Combine(home, ".claude"),
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_STATE_HOME"] = Path.Combine(home, ".local", "state"),
            ["TMPDIR"] = temp,
            ["ANTHROPIC_BASE_URL"] = baseUrl,
            ["ANTHROPIC_API_KEY"] = apiKey,

            // Without these claude looks up other hosts (seen with strace: DNS queries at start-up);
            // with them its only connection is to ANTHROPIC_BASE_URL.
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            ["DISABLE_AUTOUPDATER"] = "1",
            ["DISABLE_TELEMETRY"] = "1",
            ["DISABLE_ERROR_REPORTING"] = "1",
        };
        if (maxRetries is { } retries)
        {
            env["CLAUDE_CODE_MAX_RETRIES"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return env;
    }
}
