using System.Security.Cryptography;
using SessionCluster.Actors.Serialization;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Hosting;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Hosting;

public sealed class SecretsKeyTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private NodeSettings Settings(string? configuredKey = null, string? keyFile = null) => TestSettings.Create(dataDir: temp.Path) with
    {
        ConfiguredSecretsKey = configuredKey,
        SecretsKeyFile = keyFile ?? temp.Combine("secrets.key"),
        GenerateSecretsKeyFile = keyFile is null,
    };

    [Fact]
    public void The_default_key_file_is_generated_0600_once_and_the_same_key_is_read_after()
    {
        var first = SecretsKey.Load(Settings());

        var file = temp.Combine("secrets.key");
        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(file));
        var text = File.ReadAllText(file);
        Assert.Equal(EnvCipher.KeySize, Convert.FromBase64String(text.Trim()).Length);

        var again = SecretsKey.Load(Settings());
        Assert.Equal(text, File.ReadAllText(file));
        Assert.Equal("value", again.Open("s-1", "NAME", first.Seal("s-1", "NAME", "value")));
    }

    [Fact]
    public void Two_data_dirs_get_different_keys()
    {
        var a = SecretsKey.Load(Settings());
        var b = SecretsKey.Load(Settings(keyFile: null) with { SecretsKeyFile = temp.Combine("other.key") });

        Assert.Throws<CryptographicException>(() => b.Open("s-1", "NAME", a.Seal("s-1", "NAME", "value")));
    }

    [Theory]
    [InlineData("0640")]
    [InlineData("0604")]
    [InlineData("0660")]
    [InlineData("0644")]
    public void A_key_file_group_or_others_may_read_is_refused_saying_how_to_fix_it(string mode)
    {
        SecretsKey.Load(Settings());
        var file = temp.Combine("secrets.key");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(mode, 8));

        var e = Assert.Throws<InvalidOperationException>(() => SecretsKey.Load(Settings()));

        Assert.Equal($"secrets key file {file} is readable by group/others (mode {mode}); run: chmod 600 {file}", e.Message);
    }

    [Fact]
    public void A_configured_key_wins_and_no_file_is_written()
    {
        var key = RandomNumberGenerator.GetBytes(EnvCipher.KeySize);

        var cipher = SecretsKey.Load(Settings(configuredKey: Convert.ToBase64String(key) + "\n"));

        Assert.False(File.Exists(temp.Combine("secrets.key")));
        Assert.Equal("value", new EnvCipher(key).Open("s-1", "NAME", cipher.Seal("s-1", "NAME", "value")));
        Assert.Equal("sessioncluster.secrets.key", SecretsKey.Source(Settings(configuredKey: Convert.ToBase64String(key))));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void A_configured_key_that_is_not_32_bytes_of_base64_is_refused(string configured)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SecretsKey.Load(Settings(configuredKey: configured)));

        Assert.StartsWith("sessioncluster.secrets.key (SESSIONCLUSTER_SECRETS_KEY) must hold 32 bytes in base64", e.Message);
        Assert.DoesNotContain(configured, e.Message);
    }

    [Fact]
    public void A_configured_key_file_is_never_generated()
    {
        var file = temp.Combine("shared.key");

        var e = Assert.Throws<InvalidOperationException>(() => SecretsKey.Load(Settings(keyFile: file)));

        Assert.StartsWith($"secrets key file {file} does not exist", e.Message);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void A_configured_key_file_is_read()
    {
        var key = RandomNumberGenerator.GetBytes(EnvCipher.KeySize);
        var file = temp.Combine("shared.key");
        OwnerOnly.CreateFile(file, Convert.ToBase64String(key));

        var cipher = SecretsKey.Load(Settings(keyFile: file));

        Assert.Equal("value", new EnvCipher(key).Open("s-1", "NAME", cipher.Seal("s-1", "NAME", "value")));
        Assert.Equal(file, SecretsKey.Source(Settings(keyFile: file)));
    }

    [Fact]
    public void A_key_file_without_a_key_is_refused()
    {
        var file = temp.Combine("secrets.key");
        OwnerOnly.CreateFile(file, "short");

        var e = Assert.Throws<InvalidOperationException>(() => SecretsKey.Load(Settings()));

        Assert.StartsWith($"secrets key file {file} must hold 32 bytes in base64", e.Message);
    }
}

/// <summary>The secrets keys as <see cref="NodeConfig.Load"/> reads them (process-wide environment: run alone).</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SecretsKeyConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public SecretsKeyConfigTests() => environment.Set(EnvironmentOverrides.SecretsKeyVariable, null);

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private NodeSettings Load(string hocon = "")
    {
        var config = temp.File("my.hocon", hocon);
        return NodeConfig.Load(new NodeCommandLine(temp.Combine("data"), [config], null, null));
    }

    [Fact]
    public void By_default_the_key_file_is_secrets_key_in_the_data_dir_and_may_be_generated()
    {
        var settings = Load();

        Assert.Equal(temp.Combine("data", "secrets.key"), settings.SecretsKeyFile);
        Assert.True(settings.GenerateSecretsKeyFile);
        Assert.Null(settings.ConfiguredSecretsKey);
    }

    [Fact]
    public void A_configured_key_file_is_relative_to_the_data_dir_and_never_generated()
    {
        Assert.Equal(temp.Combine("data", "keys", "env.key"), Load("sessioncluster.secrets.key-file = \"keys/env.key\"").SecretsKeyFile);
        var absolute = Load("sessioncluster.secrets.key-file = \"/etc/sessioncluster/env.key\"");
        Assert.Equal("/etc/sessioncluster/env.key", absolute.SecretsKeyFile);
        Assert.False(absolute.GenerateSecretsKeyFile);
    }

    [Fact]
    public void The_key_comes_from_hocon_or_from_SESSIONCLUSTER_SECRETS_KEY()
    {
        Assert.Equal("from-hocon", Load("sessioncluster.secrets.key = \"from-hocon\"").ConfiguredSecretsKey);

        environment.Set(EnvironmentOverrides.SecretsKeyVariable, "from-env");
        Assert.Equal("from-env", Load("sessioncluster.secrets.key = \"from-hocon\"").ConfiguredSecretsKey);
    }
}
