using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary>
/// Config errors as the node process reports them: SessionCluster.Node.dll from this test output,
/// run as a child so a parser that never returns cannot take the test run with it.
/// </summary>
public sealed class NodeStartupProcessTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task An_invalid_config_file_stops_the_node_with_exit_code_2_naming_the_file()
    {
        var bad = temp.File("bad.hocon", "a = ${nope.nope}");

        var (exitCode, stderr) = await RunNode("--data-dir", temp.Combine("data"), "--config", bad);

        Assert.Equal(2, exitCode);
        Assert.Contains($"sessioncluster-node: config file {bad} is not valid HOCON", stderr);
    }

    [Fact]
    public async Task A_bad_command_line_stops_the_node_with_exit_code_2()
    {
        var (exitCode, stderr) = await RunNode("--akka-port", "70000");

        Assert.Equal(2, exitCode);
        Assert.Contains("--akka-port must be a port number from 0 to 65535, not '70000'", stderr);
    }

    [Fact]
    public async Task A_node_told_to_join_other_nodes_on_sqlite_refuses_to_start_naming_the_setting()
    {
        var (exitCode, stderr) = await RunNode(
            "--data-dir", temp.Combine("data"), "--akka-port", "0", "--seed", "akka.ssl.tcp://sessioncluster@10.0.0.7:4053");

        Assert.Equal(2, exitCode);
        Assert.Contains("this node is configured to join other nodes (akka.ssl.tcp://sessioncluster@10.0.0.7:4053) but its journal is SQLite", stderr);
        Assert.Contains("sessioncluster.persistence.provider = postgres", stderr);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_refuses_to_start()
    {
        var (exitCode, stderr) = await RunNode(
            ["--data-dir", temp.Combine("data")], ("SESSIONCLUSTER_PERSISTENCE_PROVIDER", "postgres"));

        Assert.Equal(2, exitCode);
        Assert.Contains("sessioncluster.persistence.provider is postgres but sessioncluster.persistence.postgres.connection-string is empty", stderr);
    }

    [Fact]
    public async Task Help_exits_0_with_the_usage()
    {
        var (exitCode, stderr) = await RunNode("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("usage: SessionCluster.Node", stderr);
    }

    /// <summary>
    /// Regression: an array left open in a --config file passes the per-file check (Akka's parser accepts
    /// "a = [" alone), but followed by anything, here the SESSIONCLUSTER_NODE_NAME override, the
    /// parser never returns and allocates without bound (over 1 GB in 20 s): the node hangs at start.
    /// </summary>
    [Fact]
    public async Task A_config_file_with_an_unclosed_array_stops_the_node_instead_of_hanging_it()
    {
        var bad = temp.File("unclosed-array.hocon", "sessioncluster.agents.claude.extra-args = [\"--verbose\"\n");

        var (exitCode, stderr) = await RunNode(
            ["--data-dir", temp.Combine("data"), "--config", bad],
            ("SESSIONCLUSTER_NODE_NAME", "hang-check"));

        Assert.True(exitCode is not null, $"the node did not exit within {ExitTimeout.TotalSeconds} s reading {bad}; stderr: {stderr}");
        Assert.Equal(2, exitCode);
        Assert.Contains(bad, stderr);
    }

    private Task<(int? ExitCode, string Stderr)> RunNode(params string[] args) => RunNode(args, []);

    private Task<(int? ExitCode, string Stderr)> RunNode(string[] args, params (string Name, string Value)[] variables)
    {
        var start = NodeExecutable.StartInfo(temp.Path, args);

        // Never the user's data dir, whatever the arguments say.
        start.Environment["SESSIONCLUSTER_DATA_DIR"] = temp.Combine("env-data");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return NodeExecutable.RunToExitAsync(start, ExitTimeout);
    }
}
