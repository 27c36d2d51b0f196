using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Support;

/// <summary>
/// A /bin/sh stand-in that prints Claude stream-json lines on cue: for the run's rules, where the real claude
/// cannot be made to show a case on demand (a given text, a permission denial, SIGINT ignored).
/// </summary>
public sealed class FakeClaude : IAgentDriver, IDisposable
{
    public const string SessionId = "5e55-fake-session";

    private readonly TempDirectory files = new("fake-claude");
    private int fileCount;

    public FakeClaude(Func<FakeClaude, string> script)
    {
        Script = script(this);
    }

    public string Agent => "fake-claude";

    public string Script { get; }

    /// <summary>Where the script may write what it received.</summary>
    public string Dir => files.Path;

    public static string Init() => Json(new { type = "system", subtype = "init", cwd = "/w", session_id = SessionId, model = "fake-model", tools = new[] { "Bash" } });

    public static string Text(string text) => Json(new
    {
        type = "assistant",
        message = new { content = new[] { new { type = "text", text } } },
        session_id = SessionId,
    });

    public static string Result(string result, int permissionDenials = 0, decimal cost = 0.001m) => Json(new
    {
        type = "result",
        subtype = "success",
        is_error = false,
        num_turns = 1,
        result,
        session_id = SessionId,
        total_cost_usd = cost,
        usage = new { input_tokens = 10, output_tokens = 5 },
        permission_denials = Enumerable.Range(0, permissionDenials).Select(i => new { tool_name = "Bash", tool_use_id = $"t{i}" }),
    });

    public static string ErrorResult(string? result, string subtype = "success") => Json(new
    {
        type = "result",
        subtype,
        is_error = true,
        num_turns = 1,
        result,
        session_id = SessionId,
        total_cost_usd = 0,
    });

    public static string Retry(int attempt, int? status, string error) => Json(new
    {
        type = "system",
        subtype = "api_retry",
        attempt,
        max_retries = 10,
        retry_delay_ms = 500,
        error_status = status,
        error,
        session_id = SessionId,
    });

    public static string ApiError(string error, string text, int? status = null) => Json(new
    {
        type = "assistant",
        message = new { model = "<synthetic>", content = new[] { new { type = "text", text } } },
        session_id = SessionId,
        error,
        is_api_error_message = true,
        api_error_status = status,
    });

    /// <summary>A file holding these lines, for the script to <c>cat</c>.</summary>
    public string File(params string[] lines)
    {
        var path = Path.Combine(files.Path, $"lines-{++fileCount}.jsonl");
        System.IO.File.WriteAllLines(path, lines);
        return $"'{path}'";
    }

    /// <summary>A file copied from the corpus, for the script to <c>cat</c>.</summary>
    public string Corpus(string name) => $"'{Path.Combine(CorpusFiles.Directory, name)}'";

    public AgentProcessSpec Launch(AgentLaunchRequest request) =>
        Shell.Script(Script, request.Launch.Workdir, request.Launch.Env, [ClaudeDriver.UserMessageLine(request.Launch.Prompt)], keepStdinOpen: true);

    /// <summary>Claude's own conversation: stream-json lines, a user line per respond, SIGINT to interrupt.</summary>
    public IAgentConversation Converse(AgentLaunchRequest request) => new ClaudeConversation();

    public void Dispose() => files.Dispose();

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
