using SessionCluster.Node.Configuration;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>The sessioncluster.cluster.tls keys as the node reads them; <see cref="NodeConfig.Load"/> reads the environment, so these run alone.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ClusterTlsConfigTests : IDisposable
{
    private const string PasswordVariable = "SESSIONCLUSTER_TLS_PASSWORD";

    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public ClusterTlsConfigTests() => environment.Set(PasswordVariable, null);

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private NodeSettings Load(params string[] configFiles) =>
        NodeConfig.Load(new NodeCommandLine(temp.Combine("data"), configFiles, AkkaPort: 0, Urls: null));

    [Fact]
    public void By_default_no_certificate_is_configured_and_nothing_is_written_while_reading_the_config()
    {
        var settings = Load();

        Assert.Equal(ClusterTlsSettings.Generated, settings.ClusterTls);
        Assert.False(File.Exists(ClusterCertificate.GeneratedFile(settings.DataDir)));
    }

    [Fact]
    public void The_node_s_hocon_turns_untrusted_mode_on_and_trusts_only_the_cluster_s_own_selections()
    {
        var hocon = Load().Hocon;

        Assert.True(hocon.GetBoolean("akka.remote.untrusted-mode"));
        var trusted = hocon.GetStringList("akka.remote.trusted-selection-paths");
        // The cluster's own actors; the notifier singleton's manager and the singleton (its hand-over and proxies); the
        // agent host (placement, entities on other nodes) and the graceful leave (cluster leave of another node). Nothing else.
        Assert.Equal(
            ["/user/agent-host", "/user/graceful-leave", "/user/notifier", "/user/notifier/notifier"],
            trusted.Where(path => !path.StartsWith("/system/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_configured_certificate_and_password_are_read_and_a_relative_path_is_in_the_data_dir()
    {
        Directory.CreateDirectory(temp.Combine("data"));
        TestCertificates.WritePfx(temp.Combine("data", "shared.pfx"), "file-password");
        var config = temp.File("tls.hocon", """
            sessioncluster.cluster.tls {
              certificate = "shared.pfx"
              password = "file-password"
            }
            """);

        var settings = Load(config);

        Assert.Equal(new ClusterTlsSettings(temp.Combine("data", "shared.pfx"), "file-password"), settings.ClusterTls);
    }

    [Fact]
    public void The_password_variable_beats_the_config_file()
    {
        var file = temp.Combine("shared.pfx");
        TestCertificates.WritePfx(file, "env-password");
        var config = temp.File("tls.hocon", $$"""
            sessioncluster.cluster.tls { certificate = "{{file}}", password = "stale-file-password" }
            """);
        environment.Set(PasswordVariable, "env-password");

        var settings = Load(config);

        Assert.Equal("env-password", settings.ClusterTls.Password);
    }

    [Fact]
    public void A_wrong_password_is_refused_while_reading_the_config()
    {
        var file = temp.Combine("shared.pfx");
        TestCertificates.WritePfx(file, "right");
        var config = temp.File("tls.hocon", $"sessioncluster.cluster.tls.certificate = \"{file}\"");
        environment.Set(PasswordVariable, "wrong");

        var error = Assert.Throws<InvalidOperationException>(() => Load(config));

        Assert.StartsWith($"cluster certificate {file} cannot be opened", error.Message);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong-password")]
    [InlineData("readable-by-others")]
    public async Task A_bad_certificate_stops_the_node_with_exit_code_2_and_one_line(string problem)
    {
        var file = temp.Combine("shared.pfx");
        if (problem != "missing")
        {
            TestCertificates.WritePfx(file, "pw-right-7q");
        }

        if (problem == "readable-by-others")
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        }

        var config = temp.File("tls.hocon", $"sessioncluster.cluster.tls.certificate = \"{file}\"");

        var (exitCode, stderr) = await RunNode(problem == "wrong-password" ? "pw-wrong-9z" : "pw-right-7q", "--data-dir", temp.Combine("data"), "--config", config);

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got: {stderr}");
        Assert.StartsWith($"sessioncluster-node: cluster certificate {file} ", lines[0]);
        Assert.DoesNotContain("pw-", lines[0]);
    }

    /// <summary>SessionCluster.Node.dll from this test output as a child process, as NodeStartupProcessTests runs it.</summary>
    private Task<(int? ExitCode, string Stderr)> RunNode(string password, params string[] args)
    {
        var start = NodeExecutable.StartInfo(temp.Path, args);
        start.Environment["SESSIONCLUSTER_DATA_DIR"] = temp.Combine("env-data");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment[PasswordVariable] = password;
        return NodeExecutable.RunToExitAsync(start, TimeSpan.FromSeconds(30));
    }
}
