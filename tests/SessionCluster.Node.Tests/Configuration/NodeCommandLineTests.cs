using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

public sealed class NodeCommandLineTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static NodeCommandLine Parsed(params string[] args)
    {
        var (options, error) = NodeCommandLine.Parse(args);
        Assert.Null(error);
        return Assert.IsType<NodeCommandLine>(options);
    }

    private static string Refused(params string[] args)
    {
        var (options, error) = NodeCommandLine.Parse(args);
        Assert.Null(options);
        return Assert.IsType<string>(error);
    }

    [Fact]
    public void No_arguments_sets_nothing()
    {
        var options = Parsed();

        Assert.Null(options.DataDir);
        Assert.Null(options.Urls);
        Assert.Null(options.AkkaPort);
        Assert.Empty(options.ConfigFiles);
    }

    [Theory]
    [InlineData("--data-dir", "/srv/sessioncluster")]
    [InlineData("--data-dir=/srv/sessioncluster")]
    public void Data_dir_in_both_forms(params string[] args) => Assert.Equal("/srv/sessioncluster", Parsed(args).DataDir);

    [Fact]
    public void Data_dir_value_may_itself_contain_an_equals_sign() =>
        Assert.Equal("/srv/a=b", Parsed("--data-dir=/srv/a=b").DataDir);

    [Theory]
    [InlineData("--urls", "http://0.0.0.0:6000")]
    [InlineData("--urls=http://0.0.0.0:6000")]
    public void Urls_in_both_forms(params string[] args) => Assert.Equal("http://0.0.0.0:6000", Parsed(args).Urls);

    [Theory]
    [InlineData("--akka-port", "4100", 4100)]
    [InlineData("--akka-port=4100", null, 4100)]
    [InlineData("--akka-port", "0", 0)]
    [InlineData("--akka-port=0", null, 0)]
    [InlineData("--akka-port", "65535", 65535)]
    public void Akka_port_in_both_forms(string first, string? second, int expected)
    {
        string[] args = second is null ? [first] : [first, second];
        Assert.Equal(expected, Parsed(args).AkkaPort);
    }

    [Fact]
    public void Config_in_both_forms_is_kept_as_a_full_path()
    {
        var file = temp.File("my.hocon", "sessioncluster.node-name = \"x\"");

        Assert.Equal([file], Parsed("--config", file).ConfigFiles);
        Assert.Equal([file], Parsed($"--config={file}").ConfigFiles);
    }

    [Fact]
    public void A_relative_config_path_becomes_absolute()
    {
        var file = temp.File("relative.hocon", "");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        Assert.False(Path.IsPathRooted(relative));

        Assert.Equal([file], Parsed("--config", relative).ConfigFiles);
    }

    [Fact]
    public void Repeated_config_files_keep_their_order()
    {
        var a = temp.File("a.hocon", "");
        var b = temp.File("b.hocon", "");
        var c = temp.File("c.hocon", "");

        var options = Parsed("--config", c, $"--config={a}", "--data-dir", "/d", "--config", b, "--config", a);

        Assert.Equal([c, a, b, a], options.ConfigFiles);
    }

    [Fact]
    public void All_options_together()
    {
        var file = temp.File("all.hocon", "");

        var options = Parsed("--data-dir", "/d", "--urls=http://127.0.0.1:7000", "--akka-port", "4200", "--config", file);

        Assert.Equal(new NodeCommandLine("/d", options.ConfigFiles, 4200, "http://127.0.0.1:7000") { Seeds = options.Seeds }, options);
        Assert.Empty(options.Seeds);
        Assert.Equal([file], options.ConfigFiles);
    }

    [Fact]
    public void A_later_value_of_a_single_option_wins()
    {
        var options = Parsed("--data-dir", "/first", "--data-dir=/second", "--akka-port", "1", "--akka-port", "2");

        Assert.Equal("/second", options.DataDir);
        Assert.Equal(2, options.AkkaPort);
    }

    [Theory]
    [InlineData("--data-dir")]
    [InlineData("--urls")]
    [InlineData("--akka-port")]
    [InlineData("--config")]
    public void An_option_at_the_end_without_a_value_is_refused(string option) =>
        Assert.Equal($"option {option} needs a value", Refused("--data-dir", "/d", option));

    [Theory]
    [InlineData("--data-dir=")]
    [InlineData("--urls=")]
    [InlineData("--akka-port=")]
    [InlineData("--config=")]
    public void An_empty_inline_value_is_refused(string arg) =>
        Assert.Equal($"option {arg.TrimEnd('=')} needs a value", Refused(arg));

    [Theory]
    [InlineData("--data-dir")]
    [InlineData("--config")]
    public void A_blank_value_is_refused(string option) =>
        Assert.Equal($"option {option} needs a value", Refused(option, "   "));

    [Theory]
    [InlineData("--verbose")]
    [InlineData("--verbose=1")]
    [InlineData("-v")]
    [InlineData("serve")]
    [InlineData("--DATA-DIR")]
    public void An_unknown_option_is_named_with_the_usage(string unknown)
    {
        var error = Refused("--data-dir", "/d", unknown);

        Assert.StartsWith($"unknown option '{unknown}'", error);
        Assert.EndsWith(NodeCommandLine.Usage, error);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("70000")]
    [InlineData("65536")]
    [InlineData("abc")]
    [InlineData("4053x")]
    [InlineData("99999999999")]
    public void A_bad_akka_port_is_refused_in_both_forms(string port)
    {
        var expected = $"--akka-port must be a port number from 0 to 65535, not '{port}'";

        Assert.Equal(expected, Refused("--akka-port", port));
        Assert.Equal(expected, Refused($"--akka-port={port}"));
    }

    [Fact]
    public void A_config_file_that_does_not_exist_is_refused_by_name()
    {
        var missing = temp.Combine("missing.hocon");

        Assert.Equal($"config file '{missing}' does not exist", Refused("--config", missing));
        Assert.Equal($"config file '{missing}' does not exist", Refused($"--config={missing}"));
    }

    [Fact]
    public void A_directory_is_not_a_config_file()
    {
        Assert.Equal($"config file '{temp.Path}' does not exist", Refused("--config", temp.Path));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_returns_the_usage_alone(string help)
    {
        Assert.Equal(NodeCommandLine.Usage, Refused(help));
        Assert.Equal(NodeCommandLine.Usage, Refused("--data-dir", "/d", help, "--unknown"));
    }

    [Fact]
    public void The_usage_names_every_option()
    {
        foreach (var option in new[] { "--data-dir", "--urls", "--akka-port", "--config" })
        {
            Assert.Contains(option, NodeCommandLine.Usage);
        }
    }

    /// <summary>
    /// Regression: a value-taking option followed by another option takes that option as its value:
    /// <c>--data-dir --akka-port=5</c> starts a node whose data dir is "./--akka-port=5" and whose
    /// Akka port is the default, without a word.
    /// </summary>
    [Theory]
    [InlineData("--data-dir", "--akka-port=5")]
    [InlineData("--urls", "--data-dir=/d")]
    [InlineData("--data-dir", "--help")]
    public void An_option_is_not_taken_as_the_value_of_the_option_before_it(string option, string next) =>
        Assert.Equal($"option {option} needs a value", Refused(option, next));

    [Fact]
    public void Seeds_repeat_and_the_hostname_is_taken()
    {
        var (options, error) = NodeCommandLine.Parse(
            ["--seed", "akka.ssl.tcp://sessioncluster@10.0.0.5:4053", "--seed=akka.ssl.tcp://sessioncluster@10.0.0.6:4053", "--hostname", "10.0.0.7"]);

        Assert.Null(error);
        Assert.Equal(["akka.ssl.tcp://sessioncluster@10.0.0.5:4053", "akka.ssl.tcp://sessioncluster@10.0.0.6:4053"], options!.Seeds);
        Assert.Equal("10.0.0.7", options.Hostname);
    }

    [Theory]
    [InlineData("10.0.0.5:4053")]
    [InlineData("akka.ssl.tcp://sessioncluster")]
    public void A_seed_that_is_not_an_akka_address_is_refused(string seed)
    {
        var (_, error) = NodeCommandLine.Parse(["--seed", seed]);

        Assert.Equal($"--seed must be an Akka address such as akka.ssl.tcp://sessioncluster@10.0.0.5:4053, not '{seed}'", error);
    }
}
