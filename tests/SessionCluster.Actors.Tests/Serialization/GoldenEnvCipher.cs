using System.Buffers.Binary;
using SessionCluster.Actors.Serialization;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// The env cipher the golden files are sealed with: a fixed key and a counting nonce (1, 2, 3, ... per cipher),
/// so sealing is deterministic. Only a test may do this: a repeated nonce breaks AES-GCM.
/// </summary>
public static class GoldenEnvCipher
{
    public static readonly byte[] Key = Enumerable.Range(0, EnvCipher.KeySize).Select(i => (byte)(0xA0 + i)).ToArray();

    public static EnvCipher Create()
    {
        var counter = 0u;
        return new EnvCipher(Key, EnvCipher.DefaultKeyId, nonce =>
        {
            nonce.Clear();
            BinaryPrimitives.WriteUInt32BigEndian(nonce[^4..], ++counter);
        });
    }
}
