using System.Text;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.RealClaude;

public sealed class AgentBinariesTests
{
    [Fact]
    public void The_repository_root_is_found_from_the_test_output()
    {
        Assert.True(File.Exists(Path.Combine(AgentBinaries.RepoRoot, "SessionCluster.sln")));
        Assert.True(File.Exists(Path.Combine(AgentBinaries.RepoRoot, ".ci", "install-agents")));
    }

    [Fact]
    public async Task The_installed_claude_is_the_version_these_tests_were_measured_on()
    {
        // Behaviour the tests rely on (retries, SIGINT, stream-json shapes) was measured on this version.
        var spec = new AgentProcessSpec(AgentBinaries.Claude, ["--version"], Path.GetTempPath(), new Dictionary<string, string>(), [], false);
        await using var process = AgentProcess.Start(spec);
        var output = new StringBuilder();

        await process.ReadOutputAsync((line, _) => output.Append(Encoding.UTF8.GetString(line))).WaitAsync(Deadlines.Agent);

        Assert.Equal($"{AgentBinaries.ClaudeVersion} (Claude Code)", output.ToString());
        Assert.Equal(0, (await process.Exited).ExitCode);
    }
}
