using SessionCluster.Contracts;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary><see cref="NodeConfig.Load"/> reads process-wide environment variables: these tests run alone.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NodeConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private static NodeSettings Load(string? dataDir = null, int? akkaPort = null, string? urls = null, params string[] configFiles) =>
        NodeConfig.Load(new NodeCommandLine(dataDir, configFiles, akkaPort, urls));

    [Fact]
    public void The_default_hocon_files_are_in_the_test_output()
    {
        foreach (var file in new[] { "base.hocon", "sqlite.hocon", "cluster.hocon" })
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "hocon", file)), $"hocon/{file} is not next to the tests");
        }
    }

    [Fact]
    public void Defaults()
    {
        var settings = Load();

        var dataDir = Path.GetFullPath(NodeDataDir.Default());
        Assert.Equal(Environment.MachineName, settings.NodeName);
        Assert.Equal(dataDir, settings.DataDir);
        Assert.Equal("http://127.0.0.1:5480", settings.Urls);
        Assert.Equal(Api.DefaultUrl, settings.Urls);
        Assert.Null(settings.ConfiguredApiToken);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.AskTimeout);
        Assert.Equal("127.0.0.1", settings.AkkaHostname);
        Assert.Equal(4053, settings.AkkaPort);
        Assert.Empty(settings.SeedNodes);
        Assert.Equal(Path.Combine(dataDir, "sessions.db"), settings.SqliteFile);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.QueryRefreshInterval);
        Assert.Equal(100, settings.Sessions.SnapshotEvery);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.Sessions.PassivateWhenFinishedAfter);
        Assert.Equal(262144, settings.MaxPromptBytes);
        Assert.Equal(10, settings.DefaultMaxAutoResponds);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.InterruptGrace);
        Assert.True(settings.FailFastOnAuthError);
        Assert.Equal(8388608, settings.MaxLineBytes);
        Assert.Equal("claude", settings.Claude.Executable);
        Assert.Empty(settings.Claude.ExtraArguments);
        Assert.Equal(1, settings.Hocon.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("ddata", settings.Hocon.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.Equal(new Actors.Retention.RetentionSettings(new Domain.RetentionPolicy(TimeSpan.FromDays(30), 10_000), TimeSpan.FromHours(1)), settings.Retention);
    }

    [Fact]
    public void Retention_reads_its_keys_and_refuses_a_negative_one()
    {
        var config = temp.File("retention.hocon", "sessioncluster.retention { max-age = 7d, max-finished-sessions = 50, interval = 0s }");
        Assert.Equal(
            new Actors.Retention.RetentionSettings(new Domain.RetentionPolicy(TimeSpan.FromDays(7), 50), TimeSpan.Zero),
            Load(configFiles: config).Retention);

        var negative = temp.File("negative.hocon", "sessioncluster.retention.max-finished-sessions = -1");
        var refused = Assert.Throws<FormatException>(() => Load(configFiles: negative));
        Assert.Equal("sessioncluster.retention.max-finished-sessions is -1; it must not be negative", refused.Message);
    }

    [Fact]
    public void Max_live_sessions_is_100_by_default_and_read_from_a_config_file()
    {
        Assert.Equal(100, Load().MaxLiveSessions);

        var config = temp.File("capacity.hocon", "sessioncluster.agents.max-live-sessions = 3");
        Assert.Equal(3, Load(configFiles: config).MaxLiveSessions);
    }

    [Theory]
    [InlineData("0", "sessioncluster.agents.max-live-sessions is 0; it must be at least 1")]
    [InlineData("-2", "sessioncluster.agents.max-live-sessions is -2; it must be at least 1")]
    [InlineData("many", "sessioncluster.agents.max-live-sessions is \"many\"; it must be a whole number, at least 1")]
    [InlineData("1.5", "sessioncluster.agents.max-live-sessions is \"1.5\"; it must be a whole number, at least 1")]
    public void Max_live_sessions_below_one_or_not_a_number_stops_the_start_with_the_key(string value, string says)
    {
        // A host of capacity 0 would refuse every launch placed on it, and say so only then.
        var config = temp.File("capacity.hocon", $"sessioncluster.agents.max-live-sessions = {value}");

        Assert.Equal(says, Assert.Throws<FormatException>(() => Load(configFiles: config)).Message);
    }

    [Fact]
    public void The_journal_connection_string_names_the_sqlite_file()
    {
        var settings = Load(dataDir: temp.Path);

        Assert.Equal($"Data Source={temp.Combine("sessions.db")};Default Timeout=30;Pooling=True", settings.JournalConnectionString);
    }

    [Fact]
    public void Command_line_data_dir_beats_the_environment_the_hocon_and_the_default()
    {
        environment.Set(NodeDataDir.EnvironmentVariable, temp.Combine("from-env"));
        var config = temp.File("dir.hocon", $"sessioncluster.data-dir = \"{temp.Combine("from-hocon")}\"");

        var settings = Load(dataDir: temp.Combine("from-command-line"), configFiles: config);

        Assert.Equal(temp.Combine("from-command-line"), settings.DataDir);
        Assert.Equal(temp.Combine("from-command-line", "sessions.db"), settings.SqliteFile);
    }

    [Fact]
    public void Environment_data_dir_beats_the_hocon_and_the_default()
    {
        environment.Set(NodeDataDir.EnvironmentVariable, temp.Combine("from-env"));
        var config = temp.File("dir.hocon", $"sessioncluster.data-dir = \"{temp.Combine("from-hocon")}\"");

        Assert.Equal(temp.Combine("from-env"), Load(configFiles: config).DataDir);
    }

    [Fact]
    public void Hocon_data_dir_beats_the_default()
    {
        var config = temp.File("dir.hocon", $"sessioncluster.data-dir = \"{temp.Combine("from-hocon")}\"");

        var settings = Load(configFiles: config);

        Assert.Equal(temp.Combine("from-hocon"), settings.DataDir);
        Assert.Equal(temp.Combine("from-hocon", "sessions.db"), settings.SqliteFile);
    }

    [Fact]
    public void A_relative_data_dir_becomes_absolute()
    {
        Assert.Equal(Path.GetFullPath("relative-data"), Load(dataDir: "relative-data").DataDir);
    }

    [Fact]
    public void An_absolute_sqlite_file_stays_where_it_is()
    {
        var config = temp.File("db.hocon", $"sessioncluster.persistence.sqlite.file = \"{temp.Combine("elsewhere", "j.db")}\"");

        Assert.Equal(temp.Combine("elsewhere", "j.db"), Load(dataDir: temp.Combine("data"), configFiles: config).SqliteFile);
    }

    [Fact]
    public void Command_line_akka_port_beats_the_hocon_even_when_zero()
    {
        var config = temp.File("port.hocon", "sessioncluster.cluster.port = 5000");

        Assert.Equal(5000, Load(configFiles: config).AkkaPort);
        Assert.Equal(4100, Load(akkaPort: 4100, configFiles: config).AkkaPort);
        Assert.Equal(0, Load(akkaPort: 0, configFiles: config).AkkaPort);
    }

    [Fact]
    public void Command_line_urls_beat_aspnetcore_urls_which_beat_the_default()
    {
        environment.Set("ASPNETCORE_URLS", "http://127.0.0.1:6001");

        Assert.Equal("http://127.0.0.1:6001", Load().Urls);
        Assert.Equal("http://127.0.0.1:6002", Load(urls: "http://127.0.0.1:6002").Urls);
    }

    [Fact]
    public void A_config_file_overrides_a_default_and_keeps_the_others()
    {
        var config = temp.File("mine.hocon", """
            sessioncluster {
              node-name = "build-box-1"
              agents.claude.extra-args = ["--allowedTools", "Bash,Edit"]
              sessions { max-prompt-bytes = 1048576 }
            }
            """);

        var settings = Load(configFiles: config);

        Assert.Equal("build-box-1", settings.NodeName);
        Assert.Equal(1048576, settings.MaxPromptBytes);
        Assert.Equal(["--allowedTools", "Bash,Edit"], settings.Claude.ExtraArguments);
        // Merged into the defaults, not replacing the sessioncluster object.
        Assert.Equal(10, settings.DefaultMaxAutoResponds);
        Assert.Equal("claude", settings.Claude.Executable);
        Assert.Equal(4053, settings.AkkaPort);
    }

    [Fact]
    public void A_second_config_file_overrides_the_first()
    {
        var first = temp.File("first.hocon", """
            sessioncluster.sessions.max-prompt-bytes = 1000
            sessioncluster.agents.interrupt-grace = 2s
            sessioncluster.node-name = "first"
            """);
        var second = temp.File("second.hocon", """
            sessioncluster {
              sessions { max-prompt-bytes = 2000 }
              node-name = "second"
            }
            """);

        var settings = Load(configFiles: [first, second]);
        var reversed = Load(configFiles: [second, first]);

        Assert.Equal(2000, settings.MaxPromptBytes);
        Assert.Equal("second", settings.NodeName);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.InterruptGrace);
        Assert.Equal(1000, reversed.MaxPromptBytes);
        Assert.Equal("first", reversed.NodeName);
    }

    [Fact]
    public void Config_files_set_akka_keys_too()
    {
        var config = temp.File("akka.hocon", "akka.loglevel = DEBUG");

        Assert.Equal("DEBUG", Load(configFiles: config).Hocon.GetString("akka.loglevel"));
    }

    [Fact]
    public void A_configured_api_token_is_read_and_an_empty_one_is_none()
    {
        var config = temp.File("token.hocon", "sessioncluster.http.api-token = \"s3cret\"");
        var blank = temp.File("blank.hocon", "sessioncluster.http.api-token = \"  \"");

        Assert.Equal("s3cret", Load(configFiles: config).ConfiguredApiToken);
        Assert.Null(Load(configFiles: blank).ConfiguredApiToken);
    }

    [Fact]
    public void An_empty_node_name_in_a_file_falls_back_to_the_machine_name()
    {
        var config = temp.File("name.hocon", "sessioncluster.node-name = \"\"");

        Assert.Equal(Environment.MachineName, Load(configFiles: config).NodeName);
    }

    [Theory]
    [InlineData("a = ${nope.nope}", "Unresolved substitution")]
    [InlineData("sessioncluster { sessions { max-prompt-bytes = 2000 }, node-name = \"x\" }", "Unknown token at position")]
    [InlineData("include \"no-such-file.conf\"", "")]
    public void An_invalid_hocon_file_is_named_in_the_error(string content, string cause)
    {
        var good = temp.File("good.hocon", "sessioncluster.node-name = \"fine\"");
        var bad = temp.File("bad.hocon", content);

        var error = Assert.Throws<InvalidOperationException>(() => Load(configFiles: [good, bad]));

        Assert.StartsWith($"config file {bad} is not valid HOCON: ", error.Message);
        Assert.Contains(cause, error.Message);
        Assert.DoesNotContain(good, error.Message);
    }

    public static readonly TheoryData<string> AwkwardValues = new()
    {
        "with spaces",
        "say \"hello\"",
        @"C:\tools\claude ""beta""\bin\",
        "${NOT_A_SUBSTITUTION} # // nöde+<&>'",
    };

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void Environment_overrides_beat_every_config_file(string value)
    {
        var first = temp.File("first.hocon", """
            sessioncluster {
              node-name = "file-node"
              http.api-token = "file-token"
              agents.claude.executable = "/file/claude"
            }
            """);
        var second = temp.File("second.hocon", "sessioncluster.node-name = \"second-file-node\"");
        environment.Set("SESSIONCLUSTER_NODE_NAME", value + " node");
        environment.Set("SESSIONCLUSTER_API_TOKEN", value + " token");
        environment.Set("SESSIONCLUSTER_CLAUDE_EXECUTABLE", value + " claude");

        var settings = Load(configFiles: [first, second]);

        Assert.Equal(value + " node", settings.NodeName);
        Assert.Equal(value + " token", settings.ConfiguredApiToken);
        Assert.Equal(value + " claude", settings.Claude.Executable);
    }

    [Fact]
    public void Without_environment_overrides_the_files_stay()
    {
        var config = temp.File("all.hocon", """
            sessioncluster {
              node-name = "file-node"
              http.api-token = "file-token"
              agents.claude.executable = "/file/claude"
            }
            """);

        var settings = Load(configFiles: config);

        Assert.Equal("file-node", settings.NodeName);
        Assert.Equal("file-token", settings.ConfiguredApiToken);
        Assert.Equal("/file/claude", settings.Claude.Executable);
    }

    [Fact]
    public void One_environment_override_leaves_the_other_keys_to_the_files()
    {
        var config = temp.File("all.hocon", """
            sessioncluster.http.api-token = "file-token"
            sessioncluster.agents.claude.executable = "/file/claude"
            """);
        environment.Set("SESSIONCLUSTER_NODE_NAME", "env-node");

        var settings = Load(configFiles: config);

        Assert.Equal("env-node", settings.NodeName);
        Assert.Equal("file-token", settings.ConfiguredApiToken);
        Assert.Equal("/file/claude", settings.Claude.Executable);
    }

    /// <summary>
    /// Regression: each --config file is validated by parsing it alone, so a file that refers to a default
    /// key (<c>${sessioncluster.cluster.port}</c>) is refused as "not valid HOCON", although the one
    /// document the node builds (docs/CONFIGURATION.md) resolves it.
    /// </summary>
    [Fact]
    public void A_config_file_may_refer_to_a_default_key()
    {
        var config = temp.File("subst.hocon", "sessioncluster.sessions.snapshot-every = ${sessioncluster.cluster.port}");

        Assert.Equal(4053, Load(configFiles: config).Sessions.SnapshotEvery);
    }

    /// <summary>
    /// Regression: Akka's HOCON parser accepts a file whose object is never closed, and the node pastes every
    /// file and the environment overrides into one text: all that follows the open brace lands inside
    /// it. Here SESSIONCLUSTER_API_TOKEN becomes sessioncluster.sessioncluster.http.api-token and is
    /// silently ignored (the node would generate a token file instead).
    /// </summary>
    [Fact]
    public void A_config_file_with_an_unclosed_brace_is_refused_by_name()
    {
        var unclosed = temp.File("unclosed.hocon", "sessioncluster {\n  node-name = \"from-file\"\n");
        environment.Set("SESSIONCLUSTER_API_TOKEN", "env-token");

        NodeSettings? settings = null;
        var error = Record.Exception(() => settings = Load(configFiles: unclosed));

        Assert.True(
            error is InvalidOperationException && error.Message.Contains(unclosed, StringComparison.Ordinal),
            $"loaded without naming the file; SESSIONCLUSTER_API_TOKEN gave api token '{settings?.ConfiguredApiToken ?? "(none)"}'");
    }
}
