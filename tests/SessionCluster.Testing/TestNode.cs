namespace SessionCluster.Testing;

/// <summary>
/// A node as the end-to-end tests and the benchmarks run it: both agents point at one model server (claude through
/// ANTHROPIC_BASE_URL, codex through a provider in the seed CODEX_HOME every codex session's home is copied from),
/// both give up on a failing model API within seconds, interrupts have a 2 s grace.
/// </summary>
public static class TestNode
{
    /// <summary>Starts a node with its data dir, home and config under <paramref name="temp"/>.</summary>
    /// <param name="extraHocon">Node configuration on top of the test defaults.</param>
    public static Task<NodeProcess> StartAsync(TempDirectory temp, string modelBaseUrl, string extraHocon = "")
    {
        var environment = Environment(modelBaseUrl, temp.CreateDirectory("home"));
        var config = temp.Combine("test.hocon");
        File.WriteAllText(config, $$"""
            sessioncluster.agents {
              interrupt-grace = 2s
              codex.seed-home = "{{environment["CODEX_HOME"]}}"
            }
            {{extraHocon}}
            """);
        return NodeProcess.StartAsync(temp.CreateDirectory("data"), environment, ["--config", config]);
    }

    /// <summary>The node's environment: what both agents need under <paramref name="home"/>, and where they are installed.</summary>
    public static Dictionary<string, string> Environment(string modelBaseUrl, string home)
    {
        var environment = new Dictionary<string, string>(AgentTestEnvironment.Claude(modelBaseUrl, home, maxRetries: 2));
        foreach (var (name, value) in CodexTestEnvironment.Create($"{modelBaseUrl}/v1", home, maxRetries: 0))
        {
            environment[name] = value;
        }

        environment["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = AgentBinaries.Claude;
        environment["SESSIONCLUSTER_CODEX_EXECUTABLE"] = AgentBinaries.Codex;
        return environment;
    }
}
