using Microsoft.Data.Sqlite;
using SessionCluster.Node.EventLog;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>The PostgreSQL store's words and snippets against SQLite's FTS5 itself, on the same bodies and phrases.</summary>
public sealed class SearchTextTests
{
    private const string Long =
        "We start here. The build failed twice: rm -rf build did not help, so I looked at src/Program.cs and the " +
        "migration of rows. Then the seeds ran, the migration finished and the build passed; the rm -rf step is gone " +
        "from the script at last. One more build to be sure, then done.";

    public static TheoryData<string, string> Cases => new()
    {
        { "Bash: rm -rf build", "rm -rf" },
        { "summary of plan {\"words\":\"beyond the summary plan quokka\"}", "plan quokka" },
        { "completed: src/Program.cs", "Program.cs" },
        { "needle needle", "needle" },
        { "a a a b", "a a" },
        { Long, "rm -rf" },
        { Long, "migration" },
        { Long, "build" },
        { Long, "then done" },
        { Long, "We start" },
        { Long, "the seeds ran" },
        { "  {\"text\":\"Café crème, déjà vu — ÉCOLE\"}  ", "déjà vu" },
        { "x. y: z.\n\nw v u t s r q p o n m l k j i h g f e d c b a", "g f" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_snippet_is_fts5_s(string body, string query)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE VIRTUAL TABLE f USING fts5(body);
            INSERT INTO f (body) VALUES ($body);
            SELECT snippet(f, -1, '[', ']', '…', 16) FROM f WHERE f MATCH $match;
            """;
        command.Parameters.AddWithValue("$body", body);
        command.Parameters.AddWithValue("$match", "\"" + query.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        var fts5 = (string)command.ExecuteScalar()!;

        Assert.Equal(fts5, SearchText.Snippet(body, SearchText.Words(query)));
    }

    [Fact]
    public void Words_are_runs_of_letters_and_digits_in_lower_case()
    {
        Assert.Equal(["rm", "rf", "src", "program", "cs", "node", "modules", "café", "v2"], SearchText.Words("rm -rf src/Program.cs node_modules Café, v2!"));
        Assert.Empty(SearchText.Words(" -- \"\" "));
    }
}
