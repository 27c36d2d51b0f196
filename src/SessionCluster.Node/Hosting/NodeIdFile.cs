using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// <c>&lt;data-dir&gt;/node-id</c>: this node's id, 16 random hex characters generated at first start and read on every
/// start after. Host names change and repeat (containers, renamed machines); the id belongs to the data directory,
/// which is what holds the node's sessions.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static partial class NodeIdFile
{
    public const string FileName = "node-id";

    public static string LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            OwnerOnly.CreateFile(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "\n");
        }

        var id = File.ReadAllText(path).Trim();
        return ValidId().IsMatch(id)
            ? id
            : throw new InvalidOperationException(
                $"{path} does not hold a node id (1 to 64 letters, digits, '.', '_' or '-'); restore it, or delete it to give this node a new id");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidId();
}
