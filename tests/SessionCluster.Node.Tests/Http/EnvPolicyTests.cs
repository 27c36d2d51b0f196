using SessionCluster.Node.Configuration;
using SessionCluster.Node.Http;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Http;

public sealed class EnvPolicyTests
{
    [Theory]
    [InlineData("PATH", "PATH", true)]
    [InlineData("PATH", "path", true)]
    [InlineData("PATH", "PATHS", false)]
    [InlineData("PATH", "MY_PATH", false)]
    [InlineData("LD_*", "LD_PRELOAD", true)]
    [InlineData("LD_*", "LD_", true)]
    [InlineData("LD_*", "OLD_X", false)]
    [InlineData("*_BASE_URL", "ANTHROPIC_BASE_URL", true)]
    [InlineData("*_BASE_URL", "anthropic_base_url", true)]
    [InlineData("*_BASE_URL", "BASE_URL", false)]
    [InlineData("*_BASE_URL", "ANTHROPIC_BASE_URL_X", false)]
    public void Patterns_are_names_prefixes_or_suffixes_ignoring_case(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, EnvPolicy.Matches(pattern, name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("**")]
    [InlineData("*PATH*")]
    [InlineData("A*B")]
    public void A_malformed_pattern_is_a_configuration_error_naming_the_key(string pattern)
    {
        var failure = Assert.Throws<FormatException>(() => EnvPolicy.Create([pattern], []));
        Assert.StartsWith("sessioncluster.sessions.env.deny: ", failure.Message);
        Assert.Throws<FormatException>(() => EnvPolicy.Create([], [pattern]));
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        var policy = EnvPolicy.Create(["PATH"], ["PATH", "HOME"]);

        Assert.NotNull(policy.Refusal("PATH"));
        Assert.Null(policy.Refusal("HOME"));
    }

    [Fact]
    public void An_empty_deny_list_and_no_allow_list_allow_everything()
    {
        Assert.Null(EnvPolicy.Create([], []).Refusal("LD_PRELOAD"));
    }
}

/// <summary>The defaults in hocon/base.hocon are the ones the code documents, and a config file can change them.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class EnvPolicyConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Base_hocon_holds_the_default_policy_and_http_limits()
    {
        var settings = NodeConfig.Load(new NodeCommandLine(temp.Path, [], null, null));

        Assert.Equal(EnvPolicy.Default.Deny, settings.EnvPolicy.Deny);
        Assert.Empty(settings.EnvPolicy.Allow);
        Assert.Equal(HttpLimits.Default, settings.HttpLimits);
    }

    [Fact]
    public void A_config_file_replaces_the_lists_and_limits()
    {
        var file = temp.File("env.hocon", """
            sessioncluster.sessions.env { deny = ["SECRET_*"], allow = ["APP_*"] }
            sessioncluster.http { max-request-body-bytes = 1000, min-request-body-rate = 100, min-request-body-rate-grace = 2s, request-headers-timeout = 2s }
            """);

        var settings = NodeConfig.Load(new NodeCommandLine(temp.Path, [file], null, null));

        Assert.Equal(["SECRET_*"], settings.EnvPolicy.Deny);
        Assert.Equal(["APP_*"], settings.EnvPolicy.Allow);
        Assert.Equal(new HttpLimits(1000, 100, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)), settings.HttpLimits);
    }

    [Fact]
    public void A_grace_kestrel_would_refuse_stops_the_start_naming_the_key()
    {
        var file = temp.File("grace.hocon", "sessioncluster.http.min-request-body-rate-grace = 1s");

        var failure = Assert.Throws<FormatException>(() => NodeConfig.Load(new NodeCommandLine(temp.Path, [file], null, null)));
        Assert.StartsWith("sessioncluster.http.min-request-body-rate-grace must be more than 1s", failure.Message);
    }

    [Fact]
    public void A_bad_pattern_in_a_config_file_stops_the_start()
    {
        var file = temp.File("bad.hocon", """sessioncluster.sessions.env.deny = ["A*B"]""");

        var failure = Assert.Throws<FormatException>(() => NodeConfig.Load(new NodeCommandLine(temp.Path, [file], null, null)));
        Assert.Contains("'A*B' is not a pattern", failure.Message);
    }
}
