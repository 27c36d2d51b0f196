using System.Security.Cryptography;
using System.Text;
using SessionCluster.Contracts;
using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>The bearer token the API requires: configured, or generated once into the data dir (mode 0600).</summary>
public sealed class ApiToken
{
    private readonly byte[] expected;

    private ApiToken(string value) => expected = Encoding.UTF8.GetBytes(value);

    public static ApiToken LoadOrCreate(string? configured, string dataDir)
    {
        if (configured is not null)
        {
            return new ApiToken(configured);
        }

        var file = NodeDataDir.TokenFile(dataDir);
        if (File.Exists(file))
        {
            var existing = File.ReadAllText(file).Trim();
            if (existing.Length > 0)
            {
                return new ApiToken(existing);
            }
        }

        Directory.CreateDirectory(dataDir);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600, never readable by others even for a moment.
            options.UnixCreateMode = ownerOnly;
        }

        using (var stream = new FileStream(file, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(token));
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, ownerOnly);
        }
        return new ApiToken(token);
    }

    /// <summary><paramref name="redactor"/> plus this token, whether it was configured or generated.</summary>
    public SecretRedactor AddTo(SecretRedactor redactor) =>
        redactor.Including([new KeyValuePair<string, string>("SESSIONCLUSTER_API_TOKEN", Encoding.UTF8.GetString(expected))]);

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
}
