using Akka.Configuration;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary>HOCON's environment fallback for <c>${NAME}</c> and <c>${?NAME}</c>, which Akka's parser leaves out.</summary>
public sealed class HoconEnvironmentTests
{
    private static readonly Dictionary<string, string> Variables = new() { ["HOOK_SECRET"] = "a\"b\\c ${x} +/=" };

    private static Config Parse(string hocon) =>
        ConfigurationFactory.ParseString(HoconEnvironment.Substitute(hocon, name => Variables.GetValueOrDefault(name)));

    [Fact]
    public void A_set_variable_becomes_its_value_however_it_is_spelt()
    {
        Assert.Equal("a\"b\\c ${x} +/=", Parse("secret = ${?HOOK_SECRET}").GetString("secret"));
        Assert.Equal("a\"b\\c ${x} +/=", Parse("secret = ${HOOK_SECRET}").GetString("secret"));
    }

    [Fact]
    public void An_unset_optional_variable_leaves_the_value_empty_and_a_config_path_is_left_to_hocon()
    {
        Assert.True(string.IsNullOrEmpty(Parse("secret = ${?NOT_SET_ANYWHERE}").GetString("secret", null)));
        Assert.Equal(1, Parse("a { b = 1 }\nc = ${a.b}").GetInt("c"));
    }
}
