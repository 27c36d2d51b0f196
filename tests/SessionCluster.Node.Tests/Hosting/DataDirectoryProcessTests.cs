using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>The data directory as real node processes meet it: one node per directory, owner-only files, a stable id.</summary>
public sealed class DataDirectoryProcessTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static string LockHolder(string dataDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dataDir, NodeLock.FileName)).Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    [Fact]
    public async Task A_second_node_on_the_same_data_directory_exits_at_once_naming_the_holder_who_keeps_running()
    {
        var dataDir = temp.Combine("data");
        await using var first = NodeChildProcess.Start(dataDir);
        await first.UntilAsync(() => LockHolder(dataDir) == first.Pid.ToString(), "it held the lock");

        await using var second = NodeChildProcess.Start(dataDir);
        var exit = await second.ExitAsync(seconds: 20);

        Assert.True(exit == 2, $"the second node: exit {exit?.ToString() ?? "none within 20 s"}:\n{second.Output}");
        Assert.Equal($"sessioncluster-node: data directory {dataDir} is in use by node process {first.Pid}", second.Output.Trim());
        Assert.False(first.HasExited, first.Output);
        Assert.Equal(first.Pid.ToString(), LockHolder(dataDir));
    }

    [Fact]
    public async Task After_a_crash_the_next_node_takes_the_directory_with_the_same_node_id_and_every_file_is_0600()
    {
        var dataDir = temp.Combine("data");
        await using var first = NodeChildProcess.Start(dataDir);
        await first.UntilAsync(() => first.Output.Contains(" starting: ", StringComparison.Ordinal), "it logged its start");
        var nodeId = File.ReadAllText(Path.Combine(dataDir, "node-id")).Trim();
        Assert.Matches("^[0-9a-f]{16}$", nodeId);
        Assert.Contains($"(id {nodeId}) starting", first.Output);

        await first.CrashAsync();
        await using var second = NodeChildProcess.Start(dataDir);
        await second.UntilAsync(() => second.Output.Contains(" starting: ", StringComparison.Ordinal), "it logged its start");
        Assert.Contains($"(id {nodeId}) starting", second.Output);
        Assert.Equal(second.Pid.ToString(), LockHolder(dataDir));

        // The journal's -wal and -shm are SQLite's own; the log file is the sink's; the cluster certificate is remoting's.
        var db = Path.Combine(dataDir, "sessions.db");
        var logs = Path.Combine(dataDir, "logs");
        await second.UntilAsync(
            () => File.Exists(db + "-wal") && File.Exists(db + "-shm") && File.Exists(Path.Combine(dataDir, "cluster-cert.pfx"))
                && Directory.EnumerateFiles(logs, "*.clef").Any(f => new FileInfo(f).Length > 0),
            "the journal's, the log's and the certificate's files exist");
        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(dataDir));
        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(logs));
        var files = new[] { db, db + "-wal", db + "-shm", "api-token", "secrets.key", "node-id", "node.lock", "cluster-cert.pfx" }
            .Select(f => Path.Combine(dataDir, f))
            .Concat(Directory.EnumerateFiles(logs))
            .ToList();
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnly.FileMode, $"{f} is {File.GetUnixFileMode(f)}"));
        Assert.Empty(Directory.EnumerateFiles(dataDir).Select(Path.GetFileName).Except(files.Select(Path.GetFileName)));
    }

    [Fact]
    public async Task A_node_on_a_data_directory_others_can_write_stops_with_exit_code_2_and_one_line_saying_how_to_fix_it()
    {
        var dataDir = Directory.CreateDirectory(temp.Combine("shared")).FullName;
        File.SetUnixFileMode(dataDir, (UnixFileMode)Convert.ToInt32("777", 8));

        await using var node = NodeChildProcess.Start(dataDir);
        var exit = await node.ExitAsync(seconds: 20);

        Assert.True(exit == 2, $"exit {exit?.ToString() ?? "none within 20 s"}:\n{node.Output}");
        Assert.Equal($"sessioncluster-node: data directory {dataDir} is writable by group/others (mode 0777); run: chmod 700 {dataDir}", node.Output.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir));
    }
}
