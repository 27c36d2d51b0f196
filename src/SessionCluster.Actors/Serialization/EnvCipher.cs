using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

// The golden-file test seals with a fixed nonce source to pin the bytes; nothing else may.
[assembly: InternalsVisibleTo("SessionCluster.Actors.Tests")]

namespace SessionCluster.Actors.Serialization;

/// <summary>
/// Seals session env values for the journal and snapshots: AES-256-GCM, a random 12-byte nonce per value,
/// a 16-byte tag. A sealed value is <c>key id (1 byte) | nonce (12) | ciphertext | tag (16)</c>; the
/// associated data binds the key id, the session id and the variable's name, so a sealed value moved to
/// another session or name does not open. The key id lets a later version rotate keys and still tell
/// which key sealed a value.
/// </summary>
/// <remarks>Thread-safe: every call makes its own <see cref="AesGcm"/> (an instance is not thread-safe).</remarks>
public sealed class EnvCipher
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const byte DefaultKeyId = 1;

    private const int HeaderSize = 1 + NonceSize;
    private static readonly byte[] Domain = "sessioncluster.env.v1"u8.ToArray();

    private static readonly Lazy<EnvCipher> ProcessEphemeral = new(() => new EnvCipher(RandomNumberGenerator.GetBytes(KeySize)));

    private readonly byte[] key;
    private readonly Action<Span<byte>> fillNonce;

    public EnvCipher(ReadOnlySpan<byte> key, byte keyId = DefaultKeyId)
        : this(key, keyId, RandomNumberGenerator.Fill)
    {
    }

    /// <summary>Tests only: a nonce source that repeats is fatal to AES-GCM.</summary>
    internal EnvCipher(ReadOnlySpan<byte> key, byte keyId, Action<Span<byte>> fillNonce)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"an env key is {KeySize} bytes, not {key.Length}", nameof(key));
        }

        this.key = key.ToArray();
        KeyId = keyId;
        this.fillNonce = fillNonce;
    }

    /// <summary>Stored in front of every value this cipher seals.</summary>
    public byte KeyId { get; }

    /// <summary>
    /// A random key that lives as long as this process: for actor systems that bind the serializer through HOCON
    /// alone (tests). What it seals cannot be opened by any other process; the node always passes its own key.
    /// </summary>
    public static EnvCipher Ephemeral => ProcessEphemeral.Value;

    public byte[] Seal(string sessionId, string name, string value)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        var sealedValue = new byte[HeaderSize + plaintext.Length + TagSize];
        sealedValue[0] = KeyId;
        var nonce = sealedValue.AsSpan(1, NonceSize);
        fillNonce(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            sealedValue.AsSpan(HeaderSize, plaintext.Length),
            sealedValue.AsSpan(HeaderSize + plaintext.Length),
            AssociatedData(KeyId, sessionId, name));
        return sealedValue;
    }

    /// <summary>The value <see cref="Seal"/> sealed; a <see cref="CryptographicException"/> saying why when it does not open.</summary>
    public string Open(string sessionId, string name, ReadOnlySpan<byte> sealedValue)
    {
        if (sealedValue.Length < HeaderSize + TagSize)
        {
            throw new CryptographicException($"env value {name} of session {sessionId} is {sealedValue.Length} bytes, too short to be sealed");
        }

        if (sealedValue[0] != KeyId)
        {
            throw new CryptographicException(
                $"env value {name} of session {sessionId} was sealed with key id {sealedValue[0]}; this node has key id {KeyId}");
        }

        var ciphertext = sealedValue[HeaderSize..^TagSize];
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedValue.Slice(1, NonceSize), ciphertext, sealedValue[^TagSize..], plaintext, AssociatedData(KeyId, sessionId, name));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                $"env value {name} of session {sessionId} does not open: another key sealed it, or the bytes were changed", e);
        }

        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>key id | domain | length-prefixed session id | name: unambiguous whatever the id holds.</summary>
    private static byte[] AssociatedData(byte keyId, string sessionId, string name)
    {
        var id = Encoding.UTF8.GetBytes(sessionId);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var data = new byte[1 + Domain.Length + 4 + id.Length + nameBytes.Length];
        data[0] = keyId;
        Domain.CopyTo(data, 1);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(1 + Domain.Length), id.Length);
        id.CopyTo(data, 1 + Domain.Length + 4);
        nameBytes.CopyTo(data, 1 + Domain.Length + 4 + id.Length);
        return data;
    }
}
