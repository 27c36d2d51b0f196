namespace SessionCluster.Testing;

/// <summary>
/// The environment a codex process needs in a test: a CODEX_HOME of its own whose config.toml names the scripted
/// Responses server as the model provider, and a HOME beside it.
/// </summary>
public static class CodexTestEnvironment
{
    public const string Model = "scripted-model";

    /// <summary>The variable the provider's <c>env_key</c> names: codex sends its value as the bearer token.</summary>
    public const string KeyVariable = "SCRIPTED_MODEL_KEY";

    /// <summary>Writes <c>&lt;home&gt;/.codex/config.toml</c> and returns the variables that make codex use it.</summary>
    /// <param name="responsesBaseUrl">The provider's base_url, ending in <c>/v1</c> (see <see cref="ScriptedModelServer.ResponsesBaseUrl"/>).</param>
    /// <param name="maxRetries">
    /// The provider's request_max_retries and stream_max_retries. Codex's defaults turned one HTTP 500 into 30
    /// requests and "Reconnecting... n/5" over about 26 s; with 0 the turn fails after one request, in under a second.
    /// </param>
    public static IReadOnlyDictionary<string, string> Create(
        string responsesBaseUrl, string home, string apiKey = AgentTestEnvironment.TestApiKey, int? maxRetries = null)
    {
        var retries = maxRetries is { } n ? $"\nrequest_max_retries = {n}\nstream_max_retries = {n}" : "";
        var codexHome = Directory.CreateDirectory(Path.Combine(home, ".codex")).FullName;
        var temp = Directory.CreateDirectory(Path.Combine(home, "tmp")).FullName;

        // Without a model_providers entry codex would call OpenAI.
        File.WriteAllText(Path.Combine(codexHome, "config.toml"), $"""
            model = "{Model}"
            model_provider = "scripted"

            [model_providers.scripted]
            name = "scripted"
            base_url = "{responsesBaseUrl}"
            wire_api = "responses"
            env_key = "{KeyVariable}"{retries}
            """);
        return new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["CODEX_HOME"] = codexHome,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_STATE_HOME"] = Path.Combine(home, ".local", "state"),
            ["TMPDIR"] = temp,
            [KeyVariable] = apiKey,
        };
    }
}
