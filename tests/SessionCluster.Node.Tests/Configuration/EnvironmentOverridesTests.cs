using Akka.Configuration;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Tests.Configuration;

public sealed class EnvironmentOverridesTests
{
    public static readonly TheoryData<string> AwkwardValues = new()
    {
        "plain",
        "with spaces  inside",
        "say \"hello\"",
        "back\\slash",
        @"C:\Program Files\claude ""beta""\claude.exe",
        "/opt/my tools/claude",
        "trailing backslash\\",
        "${NOT_A_SUBSTITUTION}",
        "# not a comment",
        "// nor this",
        "line one\nline two",
        "tab\there",
        "nöde-ünïcode+<&>'",
        "{ a = 1 }",
        "=",
    };

    [Fact]
    public void The_table_maps_each_variable_to_its_key()
    {
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["SESSIONCLUSTER_NODE_NAME"] = "sessioncluster.node-name",
                ["SESSIONCLUSTER_API_TOKEN"] = "sessioncluster.http.api-token",
                ["SESSIONCLUSTER_CLAUDE_EXECUTABLE"] = "sessioncluster.agents.claude.executable",
                ["SESSIONCLUSTER_CODEX_EXECUTABLE"] = "sessioncluster.agents.codex.executable",
                ["SESSIONCLUSTER_SECRETS_KEY"] = "sessioncluster.secrets.key",
                ["SESSIONCLUSTER_TLS_PASSWORD"] = "sessioncluster.cluster.tls.password",
                ["SESSIONCLUSTER_PERSISTENCE_PROVIDER"] = "sessioncluster.persistence.provider",
                ["SESSIONCLUSTER_POSTGRES_CONNECTION_STRING"] = "sessioncluster.persistence.postgres.connection-string",
            },
            EnvironmentOverrides.Keys);
    }

    [Fact]
    public void Nothing_set_gives_an_empty_document()
    {
        Assert.Equal(string.Empty, EnvironmentOverrides.AsHocon(_ => null));
    }

    [Fact]
    public void Empty_values_are_left_out()
    {
        var hocon = EnvironmentOverrides.AsHocon(name => name == "SESSIONCLUSTER_NODE_NAME" ? "n1" : string.Empty);

        var config = ConfigurationFactory.ParseString(hocon);
        Assert.Equal("n1", config.GetString("sessioncluster.node-name"));
        Assert.False(config.HasPath("sessioncluster.http.api-token"));
        Assert.False(config.HasPath("sessioncluster.agents.claude.executable"));
    }

    [Fact]
    public void Only_the_table_s_variables_are_looked_up()
    {
        var asked = new List<string>();

        EnvironmentOverrides.AsHocon(name =>
        {
            asked.Add(name);
            return null;
        });

        Assert.Equal(EnvironmentOverrides.Keys.Keys.Order(StringComparer.Ordinal), asked.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void Every_value_reads_back_unchanged(string value)
    {
        var hocon = EnvironmentOverrides.AsHocon(name => name switch
        {
            "SESSIONCLUSTER_NODE_NAME" => value,
            "SESSIONCLUSTER_API_TOKEN" => value + "-token",
            "SESSIONCLUSTER_CLAUDE_EXECUTABLE" => value + "-claude",
            _ => null,
        });

        var config = ConfigurationFactory.ParseString(hocon);
        Assert.Equal(value, config.GetString("sessioncluster.node-name"));
        Assert.Equal(value + "-token", config.GetString("sessioncluster.http.api-token"));
        Assert.Equal(value + "-claude", config.GetString("sessioncluster.agents.claude.executable"));
    }

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void Every_value_wins_over_an_earlier_document(string value)
    {
        var earlier = "sessioncluster { node-name = \"from-file\", http { api-token = \"file\", ask-timeout = 3s } }";
        var hocon = EnvironmentOverrides.AsHocon(name => name == "SESSIONCLUSTER_NODE_NAME" ? value : null);

        var config = ConfigurationFactory.ParseString(earlier + "\n" + hocon);

        Assert.Equal(value, config.GetString("sessioncluster.node-name"));
        Assert.Equal("file", config.GetString("sessioncluster.http.api-token"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("sessioncluster.http.ask-timeout"));
    }
}
