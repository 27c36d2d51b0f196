using System.Text;

namespace SessionCluster.Agents.Tests.Support;

/// <summary>The recorded agent transcripts in Corpus/, copied beside the test assembly.</summary>
public static class CorpusFiles
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IEnumerable<string> Names(string prefix) =>
        System.IO.Directory.GetFiles(Directory, $"{prefix}*.jsonl").Select(Path.GetFileName).OfType<string>().Order();

    public static TheoryData<string> Claude() => [.. Names("claude-")];

    public static TheoryData<string> Codex() => [.. Names("codex-")];

    /// <summary>The file's lines as UTF-8 bytes, as the agent wrote them (no newline).</summary>
    public static IReadOnlyList<byte[]> Lines(string name) =>
        File.ReadAllLines(Path.Combine(Directory, name), Encoding.UTF8).Select(Encoding.UTF8.GetBytes).ToList();

    public static IReadOnlyList<AgentEvent> Parse(string name)
    {
        var parser = new ClaudeStreamJsonParser();
        var events = new List<AgentEvent>();
        foreach (var line in Lines(name))
        {
            parser.Parse(line, events);
        }

        return events;
    }
}
