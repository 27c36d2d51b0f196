using System.Security.Cryptography;
using SessionCluster.Actors.Serialization;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// The key that seals session env values: <c>sessioncluster.secrets.key</c> (base64, for several nodes sharing a
/// journal), else the key file, <c>&lt;data-dir&gt;/secrets.key</c> by default, generated 0600 at first start.
/// </summary>
public static class SecretsKey
{
    public const string DefaultFileName = "secrets.key";

    private const string MakeOne = "head -c 32 /dev/urandom | base64";

    /// <summary>Where the key came from, for the start-up log line (never the key itself).</summary>
    public static string Source(NodeSettings settings) =>
        settings.ConfiguredSecretsKey is not null ? "sessioncluster.secrets.key" : settings.SecretsKeyFile;

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static EnvCipher Load(NodeSettings settings)
    {
        if (settings.ConfiguredSecretsKey is { } configured)
        {
            return new EnvCipher(Decode(configured, $"sessioncluster.secrets.key ({Configuration.EnvironmentOverrides.SecretsKeyVariable})"));
        }

        var file = settings.SecretsKeyFile;
        if (!File.Exists(file))
        {
            if (!settings.GenerateSecretsKeyFile)
            {
                throw new InvalidOperationException(
                    $"secrets key file {file} does not exist; copy the key the other nodes use, or make one: (umask 077; {MakeOne} > {file})");
            }

            OwnerOnly.CreateFile(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(EnvCipher.KeySize)) + "\n");
        }

        var mode = File.GetUnixFileMode(file);
        if (OwnerOnly.GrantsGroupOrOther(mode))
        {
            throw new InvalidOperationException(
                $"secrets key file {file} is readable by group/others (mode {OwnerOnly.Octal(mode)}); run: chmod 600 {file}");
        }

        return new EnvCipher(Decode(File.ReadAllText(file), $"secrets key file {file}"));
    }

    private static byte[] Decode(string text, string what)
    {
        var key = new byte[EnvCipher.KeySize + 1];
        return Convert.TryFromBase64String(text.Trim(), key, out var length) && length == EnvCipher.KeySize
            ? key[..length]
            : throw new InvalidOperationException($"{what} must hold {EnvCipher.KeySize} bytes in base64 (e.g. from: {MakeOne})");
    }
}
