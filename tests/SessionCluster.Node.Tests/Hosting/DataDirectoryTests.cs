using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_new_data_directory_is_created_0700_with_a_0700_logs_folder_and_a_0600_node_id()
    {
        var path = temp.Combine("new", "data");

        using (var dataDirectory = DataDirectory.Prepare(path))
        {
            Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(path));
            Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(Path.Combine(path, "logs")));
            Assert.Equal(Path.Combine(path, "logs"), dataDirectory.Logs);
            Assert.Matches("^[0-9a-f]{16}$", dataDirectory.NodeId);
            Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(Path.Combine(path, "node-id")));
            Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(Path.Combine(path, "node.lock")));
        }

        // Read only after the lock is gone: closing any descriptor of the file drops this process's lock.
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(path, "node.lock")));
    }

    [Theory]
    [InlineData("0777")]
    [InlineData("0770")]
    [InlineData("0720")]
    [InlineData("0702")]
    [InlineData("1777")]
    public void A_data_directory_group_or_others_can_write_is_refused_saying_how_to_fix_it(string mode)
    {
        var path = temp.Combine("shared");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));

        var e = Assert.Throws<InvalidOperationException>(() => DataDirectory.Prepare(path));

        Assert.Equal($"data directory {path} is writable by group/others (mode {mode}); run: chmod 700 {path}", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
    }

    [Theory]
    [InlineData("0700")]
    [InlineData("0750")]
    [InlineData("0755")]
    public void A_data_directory_only_its_owner_can_write_is_taken_as_it_is(string mode)
    {
        var path = temp.Combine("mine");
        Directory.CreateDirectory(path);
        var unixMode = (UnixFileMode)Convert.ToInt32(mode, 8);
        File.SetUnixFileMode(path, unixMode);

        using var dataDirectory = DataDirectory.Prepare(path);

        Assert.Equal(unixMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_data_directory_of_another_user_is_refused()
    {
        string path;
        if (Environment.UserName == "root")
        {
            path = temp.Combine("nobodys");
            Directory.CreateDirectory(path, OwnerOnly.DirectoryMode);
            File.SetUnixFileMode(path, OwnerOnly.DirectoryMode);
            using var chown = System.Diagnostics.Process.Start("chown", ["65534", path]);
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }
        else
        {
            // Owned by root: refused before anything is written to it.
            path = "/";
        }

        var e = Assert.Throws<InvalidOperationException>(() => DataDirectory.Prepare(path));

        Assert.StartsWith($"data directory {path} belongs to uid ", e.Message);
        Assert.Contains("not to this user", e.Message);
    }

    [Fact]
    public void The_node_id_is_generated_once_and_read_on_every_start()
    {
        string first;
        using (var dataDirectory = DataDirectory.Prepare(temp.Path))
        {
            first = dataDirectory.NodeId;
        }

        using (var again = DataDirectory.Prepare(temp.Path))
        {
            Assert.Equal(first, again.NodeId);
        }

        using var other = DataDirectory.Prepare(temp.Combine("other"));
        Assert.NotEqual(first, other.NodeId);
    }

    [Fact]
    public void A_node_id_written_by_hand_is_kept_and_a_broken_one_is_refused()
    {
        File.WriteAllText(temp.Combine("node-id"), "restored-id_1.a\n");
        using (var dataDirectory = DataDirectory.Prepare(temp.Path))
        {
            Assert.Equal("restored-id_1.a", dataDirectory.NodeId);
        }

        File.WriteAllText(temp.Combine("node-id"), "two words");
        var e = Assert.Throws<InvalidOperationException>(() => DataDirectory.Prepare(temp.Path));
        Assert.Contains(temp.Combine("node-id"), e.Message);
        Assert.Contains("delete it", e.Message);
    }

    [Fact]
    public void Log_files_an_older_version_left_readable_are_made_0600()
    {
        var logs = Directory.CreateDirectory(temp.Combine("logs")).FullName;
        var old = Path.Combine(logs, "node-20250101.clef");
        File.WriteAllText(old, "{}");
        File.SetUnixFileMode(old, OwnerOnly.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var dataDirectory = DataDirectory.Prepare(temp.Path);

        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(old));
    }
}
