using System.Text;
using System.Text.Json;
using SessionCluster.Agents;
using SessionCluster.Agents.EventLog;
using SessionCluster.Domain;

namespace SessionCluster.Benchmarks;

/// <summary>
/// A realistic mix of event log entries, made by the real <see cref="AgentEventLog.Describe"/> (masking a secret the
/// session's environment holds) from agent events: the recorded claude transcripts parsed by the real
/// <see cref="ClaudeStreamJsonParser"/>, then coding turns as agents print them (thinking, text, tool uses of Bash,
/// Read, Edit, Grep with their results, codex commands and file changes, a turn result), their sizes spread like a
/// real session's (tool results up to a few KB, some beyond the raw bound). Deterministic (a seeded random).
/// The search words of the read benchmark occur at known rates: "the" in most entries, "Program.cs" in a few percent,
/// "rm -rf" in about one in 80, "migration" in about one in 40, "zeppelin" in one entry of the pool.
/// </summary>
public static class EventLogMix
{
    public const string Secret = "sk-bench-0123456789abcdef";
    public const string RareWord = "zeppelin";

    private static readonly string[] Words =
    [
        "the", "the", "the", "a", "to", "of", "and", "in", "is", "for", "that", "this", "with", "file", "test", "build",
        "error", "value", "return", "method", "class", "session", "node", "agent", "event", "query", "index", "table",
        "now", "run", "fix", "check", "change", "update", "read", "write", "config", "option", "string", "list", "null",
        "async", "await", "task", "result", "output", "input", "line", "path", "folder", "project", "package", "version",
        "should", "could", "would", "first", "next", "then", "because", "when", "where", "which", "passes", "fails",
    ];

    private static readonly string[] Files =
    [
        "src/App/Program.cs", "src/App/Startup.cs", "src/Core/SessionStore.cs", "src/Core/Query.cs", "tests/App.Tests/QueryTests.cs",
        "README.md", "docs/DESIGN.md", "src/Web/index.ts", "src/Web/api.ts", "package.json", "src/Data/Migrations/0007_add_index.sql",
        "src/Core/EventBus.cs", "src/Core/Retry.cs", "Makefile", "src/Cli/Main.cs", "src/Data/Repository.cs",
    ];

    private static readonly string[] Commands =
    [
        "dotnet build -c Debug 2>&1 | tail -5", "dotnet test --filter Query", "git status --short", "git diff --stat",
        "ls -la src", "grep -rn TODO src", "cat package.json", "npm test", "find . -name '*.cs' | wc -l",
        "rm -rf bin obj && dotnet build", "git log --oneline | head -20", "dotnet ef migrations add AddIndex",
        "sed -n 1,80p src/App/Program.cs", "make check",
    ];

    /// <summary>The recorded claude transcripts' events alone, described: to compare the pool's sizes with.</summary>
    public static IReadOnlyList<EventLogEntry> CorpusEntries()
    {
        var events = new List<AgentEvent>();
        var parser = new ClaudeStreamJsonParser();
        foreach (var line in Corpus.Lines("claude-*.jsonl"))
        {
            parser.Parse(line, events);
        }

        return [.. events.Select(e => AgentEventLog.Describe(e, SecretRedactor.None))];
    }

    /// <summary>The pool: <paramref name="count"/> entries in turn order (agents' events as they come).</summary>
    public static IReadOnlyList<EventLogEntry> Entries(int count = 4_000)
    {
        var redactor = new SecretRedactor([Secret]);
        var events = new List<AgentEvent>(count);
        var parser = new ClaudeStreamJsonParser();
        foreach (var line in Corpus.Lines("claude-*.jsonl"))
        {
            parser.Parse(line, events);
        }

        var random = new Random(7);
        var turn = 0;
        while (events.Count < count)
        {
            events.AddRange(Turn(random, turn++));
        }

        var entries = events.Take(count).Select(e => AgentEventLog.Describe(e, redactor)).ToList();
        // One entry of the pool holds the rare word.
        entries[count / 2] = AgentEventLog.Describe(new AgentText($"Found it: the {RareWord} flag in the legacy config was never read."), redactor);
        return entries;
    }

    private static IEnumerable<AgentEvent> Turn(Random random, int turn)
    {
        yield return new AgentInit(Guid.NewGuid().ToString(), "claude-sonnet-4", "/home/dev/project");
        yield return new AgentThinking(Prose(random, 40, 160));
        yield return new AgentText(Prose(random, 20, 90));
        var tools = random.Next(2, 9);
        for (var i = 0; i < tools; i++)
        {
            var id = $"toolu_{turn:D5}_{i}";
            switch (random.Next(6))
            {
                case 0 or 1:
                    var command = Commands[random.Next(Commands.Length)];
                    yield return new AgentToolUse(id, "Bash", JsonSerializer.Serialize(new { command, description = Prose(random, 3, 8) }));
                    yield return new AgentToolResult(id, Output(random, 5, 60), random.Next(10) == 0);
                    break;
                case 2:
                    var read = Files[random.Next(Files.Length)];
                    yield return new AgentToolUse(id, "Read", JsonSerializer.Serialize(new { file_path = "/home/dev/project/" + read }));
                    yield return new AgentToolResult(id, Code(random, 20, 250), false);
                    break;
                case 3:
                    var edit = Files[random.Next(Files.Length)];
                    yield return new AgentToolUse(id, "Edit", JsonSerializer.Serialize(new { file_path = "/home/dev/project/" + edit, old_string = Code(random, 2, 6), new_string = Code(random, 2, 8) }));
                    yield return new AgentToolResult(id, $"The file /home/dev/project/{edit} has been updated.", false);
                    break;
                case 4:
                    yield return new AgentCommand(id, Commands[random.Next(Commands.Length)], Output(random, 2, 30), random.Next(8) == 0 ? 1 : 0, "completed");
                    yield return new AgentFileChange(id + "_fc", [Files[random.Next(Files.Length)], Files[random.Next(Files.Length)]], "completed");
                    break;
                default:
                    yield return new AgentToolUse(id, "Grep", JsonSerializer.Serialize(new { pattern = Words[random.Next(Words.Length)], path = "src" }));
                    yield return new AgentToolResult(id, string.Join('\n', Enumerable.Range(0, random.Next(1, 30)).Select(_ => $"{Files[random.Next(Files.Length)]}:{random.Next(1, 400)}: {Prose(random, 4, 12)}")), false);
                    break;
            }

            if (random.Next(3) == 0)
            {
                yield return new AgentText(Prose(random, 10, 60));
            }
        }

        yield return new AgentText(Prose(random, 30, 120));
        yield return new AgentTurnResult(false, "success", 0.0123m * turn, new TokenUsage(12_000, 800, 0, 0), 1 + tools, 0, Prose(random, 10, 40), null);
    }

    private static string Prose(Random random, int min, int max)
    {
        var text = new StringBuilder();
        var n = random.Next(min, max);
        for (var i = 0; i < n; i++)
        {
            text.Append(i == 0 ? "" : " ").Append(Words[random.Next(Words.Length)]);
        }

        switch (random.Next(200))
        {
            case < 5: text.Append(" The migration adds an index."); break;
            case < 7: text.Append(" I will rm -rf the stale build output."); break;
            case < 9: text.Append(" Program.cs wires it up."); break;
            case 9: text.Append(" The token is ").Append(Secret).Append('.'); break; // masked by Describe
        }

        return text.Append('.').ToString();
    }

    private static string Output(Random random, int minLines, int maxLines) =>
        string.Join('\n', Enumerable.Range(0, random.Next(minLines, maxLines)).Select(_ => Prose(random, 3, 14)));

    private static string Code(Random random, int minLines, int maxLines) =>
        string.Join('\n', Enumerable.Range(0, random.Next(minLines, maxLines)).Select(i => $"    {Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}({i}, \"{Words[random.Next(Words.Length)]}\");"));
}
