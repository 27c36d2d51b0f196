using System.Net.Http.Headers;
using System.Text;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A session env value on a real node (snapshot after every event) is in none of the journal's files, the API and
/// sessionctl show its name only, and after a crash the node opens it again with the key it is given through
/// SESSIONCLUSTER_SECRETS_KEY (as several nodes sharing a journal are): a resumed session's agent still gets the
/// value, and never the key.
/// </summary>
public sealed class SecretsAtRestTests : IAsyncLifetime
{
    private readonly TempDirectory temp = new("sessioncluster-secrets");
    private readonly string secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
    private readonly string key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private ScriptedModelServer model = null!;
    private NodeProcess node = null!;

    public async Task InitializeAsync()
    {
        model = await ScriptedModelServer.StartAsync();
        // NodeFixture.StartNodeAsync's node, plus the shared key.
        var config = temp.Combine("test.hocon");
        File.WriteAllText(config, """
            sessioncluster.agents { interrupt-grace = 2s, claude.extra-args = ["--allowedTools", "Bash"] }
            sessioncluster.sessions.snapshot-every = 1
            """);
        var environment = new Dictionary<string, string>(
            AgentTestEnvironment.Claude(model.BaseUrl, temp.CreateDirectory("home"), maxRetries: 2))
        {
            ["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = AgentBinaries.Claude,
            ["SESSIONCLUSTER_SECRETS_KEY"] = key,
        };
        node = await NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
    }

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        await model.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task An_env_value_is_sealed_in_the_journal_shown_by_name_only_and_still_reaches_a_resumed_agent()
    {
        var ctl = new Sessionctl(node);
        var workdir = temp.CreateDirectory("work");
        model.Enqueue(ModelReply.Text("Noted."));
        var launched = await ctl.SessionAsync("launch", "--workdir", workdir, "--prompt", "remember", "--env", $"MY_SECRET={secret}");
        var waiting = await ctl.WaitAsync(launched.Id, "waiting-for-input");
        Assert.Equal(["MY_SECRET"], waiting.EnvNames);

        using var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        foreach (var route in new[] { $"/api/sessions/{launched.Id}", "/api/sessions" })
        {
            var body = await http.GetStringAsync(route);
            Assert.Contains("\"MY_SECRET\"", body);
            Assert.DoesNotContain(secret, body);
        }

        foreach (var args in new[] { new[] { "show", launched.Id }, ["show", launched.Id, "--json"], ["list"] })
        {
            var shown = await ctl.RunAsync(args);
            Assert.True(shown.ExitCode == 0, shown.ToString());
            Assert.DoesNotContain(secret, shown.Stdout + shown.Stderr);
        }

        // SIGKILL: the -wal holds the rows just as they were written.
        await node.CrashAsync();
        AssertNoSecretInTheJournalFiles();

        await node.StartAgainAsync();
        await ctl.WaitAsync(launched.Id, "failed");
        model.Enqueue(
            ModelReply.ToolUse("Bash", new { command = "printenv MY_SECRET > seen.txt; echo \"key=${SESSIONCLUSTER_SECRETS_KEY:-}\" > key.txt" }),
            ModelReply.Text("Written."));
        var resumed = await ctl.SessionAsync("resume", launched.Id, "write it down");
        await ctl.WaitAsync(resumed.Id, "waiting-for-input");
        Assert.Equal(secret, File.ReadAllText(Path.Combine(workdir, "seen.txt")).Trim());
        Assert.Equal("key=", File.ReadAllText(Path.Combine(workdir, "key.txt")).Trim());
        Assert.False(File.Exists(Path.Combine(node.DataDir, "secrets.key")), "a configured key writes no key file");

        await node.CrashAsync();
        AssertNoSecretInTheJournalFiles();
        Assert.DoesNotContain(secret, node.Output);
        Assert.DoesNotContain(key, node.Output);
        Assert.All(Directory.EnumerateFiles(Path.Combine(node.DataDir, "logs")), log => Assert.DoesNotContain(secret, File.ReadAllText(log)));
    }

    private void AssertNoSecretInTheJournalFiles()
    {
        var db = Path.Combine(node.DataDir, "sessions.db");
        var files = new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists).ToList();
        Assert.Contains(db, files);
        var bytes = files.ToDictionary(f => f, File.ReadAllBytes);
        // The name is stored in plaintext: finding it shows the session reached these files.
        Assert.Contains(bytes.Values, b => b.AsSpan().IndexOf("MY_SECRET"u8) >= 0);
        foreach (var form in Forms(secret))
        {
            foreach (var (file, content) in bytes)
            {
                Assert.True(content.AsSpan().IndexOf(form) < 0, $"{file} holds the secret as {Encoding.ASCII.GetString(form)} ({Convert.ToHexString(form)})");
            }
        }
    }

    /// <summary>UTF-8, UTF-16 and base64 at each of its three alignments (cut before the padding-dependent end).</summary>
    private static IEnumerable<byte[]> Forms(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        yield return utf8;
        yield return Encoding.Unicode.GetBytes(value);
        for (var skip = 0; skip < 3; skip++)
        {
            yield return Encoding.ASCII.GetBytes(Convert.ToBase64String(utf8[skip..])[..^4]);
        }
    }
}
