namespace SessionCluster.Testing;

/// <summary>
/// What the <see cref="ScriptedModelServer"/> answers to one model request. Read like a script with
/// <c>using static SessionCluster.Testing.ModelReply;</c>: <c>Text("hi")</c>, <c>ToolUse("Bash", new { command = "ls" })</c>.
/// </summary>
public abstract record ModelReply
{
    public static TextReply Text(string text) => new(text);

    public static ToolUseReply ToolUse(string name, object input, string? id = null) =>
        new(name, input, id ?? $"toolu_{Guid.NewGuid():N}");

    /// <summary>Text streamed one chunk at a time, with a pause before each: a reply still streaming when a test acts.</summary>
    public static SlowTextReply SlowText(IReadOnlyList<string> chunks, TimeSpan delayPerChunk) => new(chunks, delayPerChunk);

    /// <summary>
    /// A reply held open until <paramref name="release"/> completes, then answered as <paramref name="then"/>: the agent
    /// stays mid-turn (its session running) for as long as a test needs. The request is recorded when it arrives.
    /// </summary>
    public static HeldReply Held(Task release, ModelReply then) => new(release, then);

    public static ThinkingReply Thinking(string thinking, string text) => new(thinking, text);

    /// <summary>An HTTP error with the Anthropic error body for that status.</summary>
    public static HttpStatusReply HttpStatus(int status, string? message = null) => new(status, message ?? $"scripted HTTP {status}");
}

public sealed record TextReply(string Content) : ModelReply;

public sealed record ToolUseReply(string Name, object Input, string Id) : ModelReply;

public sealed record SlowTextReply(IReadOnlyList<string> Chunks, TimeSpan DelayPerChunk) : ModelReply;

public sealed record HeldReply(Task Release, ModelReply Then) : ModelReply;

public sealed record ThinkingReply(string Reasoning, string Answer) : ModelReply;

public sealed record HttpStatusReply(int Status, string Message) : ModelReply;
