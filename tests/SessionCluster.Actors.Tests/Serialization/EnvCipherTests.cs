using System.Security.Cryptography;
using SessionCluster.Actors.Serialization;

namespace SessionCluster.Actors.Tests.Serialization;

public sealed class EnvCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(EnvCipher.KeySize);

    private readonly EnvCipher cipher = new(Key);

    [Theory]
    [InlineData("sk-ant-0123456789")]
    [InlineData("")]
    [InlineData("Zoë \"bot\" Ünïcødé ✓ x=y;z\n")]
    public void A_sealed_value_opens_to_itself(string value)
    {
        var sealedValue = cipher.Seal("s-1", "MY_SECRET", value);

        Assert.Equal(value, cipher.Open("s-1", "MY_SECRET", sealedValue));
        Assert.Equal(value, new EnvCipher(Key).Open("s-1", "MY_SECRET", sealedValue));
    }

    [Fact]
    public void A_sealed_value_is_key_id_nonce_ciphertext_tag_and_holds_no_plaintext()
    {
        var value = "sk-ant-0123456789";

        var sealedValue = cipher.Seal("s-1", "MY_SECRET", value);

        Assert.Equal(1 + EnvCipher.NonceSize + value.Length + EnvCipher.TagSize, sealedValue.Length);
        Assert.Equal(EnvCipher.DefaultKeyId, sealedValue[0]);
        Assert.True(sealedValue.AsSpan().IndexOf("sk-ant"u8) < 0);
    }

    [Fact]
    public void Every_seal_takes_a_new_nonce()
    {
        var seals = Enumerable.Range(0, 50).Select(_ => cipher.Seal("s-1", "MY_SECRET", "same value")).ToList();

        Assert.Equal(seals.Count, seals.Select(s => Convert.ToHexString(s, 1, EnvCipher.NonceSize)).Distinct().Count());
        Assert.Equal(seals.Count, seals.Select(Convert.ToHexString).Distinct().Count());
    }

    public static TheoryData<int> EveryByte => [.. Enumerable.Range(0, 1 + EnvCipher.NonceSize + 5 + EnvCipher.TagSize)];

    /// <summary>Key id, nonce, ciphertext or tag: any changed byte is refused, never opened to something else.</summary>
    [Theory]
    [MemberData(nameof(EveryByte))]
    public void A_changed_byte_is_refused(int index)
    {
        var sealedValue = cipher.Seal("s-1", "MY_SECRET", "hello");

        sealedValue[index] ^= 0x01;

        Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "MY_SECRET", sealedValue));
    }

    [Fact]
    public void A_cut_value_is_refused()
    {
        var sealedValue = cipher.Seal("s-1", "MY_SECRET", "hello");

        Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "MY_SECRET", sealedValue[..^1]));
        Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "MY_SECRET", sealedValue[..10]));
        Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "MY_SECRET", []));
    }

    [Fact]
    public void Another_key_does_not_open_it_and_says_so()
    {
        var sealedValue = cipher.Seal("s-1", "MY_SECRET", "hello");

        var e = Assert.Throws<CryptographicException>(() => new EnvCipher(RandomNumberGenerator.GetBytes(EnvCipher.KeySize)).Open("s-1", "MY_SECRET", sealedValue));
        Assert.Contains("MY_SECRET", e.Message);
        Assert.Contains("s-1", e.Message);
        Assert.Contains("another key", e.Message);
    }

    [Fact]
    public void Another_key_id_is_named_in_the_refusal()
    {
        var sealedValue = new EnvCipher(Key, keyId: 2).Seal("s-1", "MY_SECRET", "hello");

        var e = Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "MY_SECRET", sealedValue));
        Assert.Contains("key id 2", e.Message);
        Assert.Contains("key id 1", e.Message);
    }

    /// <summary>The associated data binds the value to its session and name: swapping sealed values around fails.</summary>
    [Fact]
    public void A_value_moved_to_another_name_or_session_does_not_open()
    {
        var sealedValue = cipher.Seal("s-1", "MY_SECRET", "hello");

        Assert.Throws<CryptographicException>(() => cipher.Open("s-1", "OTHER", sealedValue));
        Assert.Throws<CryptographicException>(() => cipher.Open("s-2", "MY_SECRET", sealedValue));
        // Length-prefixed: the split between id and name counts.
        Assert.Throws<CryptographicException>(() => cipher.Open("s-1M", "Y_SECRET", sealedValue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Only_a_256_bit_key_is_taken(int length)
    {
        Assert.Throws<ArgumentException>(() => new EnvCipher(new byte[length]));
    }
}
