using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Google.Protobuf;
using SessionCluster.Actors.Serialization;
using SessionCluster.Domain;
using Xunit.Abstractions;
using P = SessionCluster.Actors.Serialization.Proto;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>Env values reach the bytes only sealed; names stay readable; plaintext env of older events still reads.</summary>
public sealed class SealedEnvTests(ITestOutputHelper output)
    : TestKit(SessionEventSerializer.Config, nameof(SealedEnvTests), output)
{
    private const string Secret = "sk-ant-9f8e7d6c5b4a";

    private static readonly ImmutableSortedDictionary<string, string> Env =
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("MY_SECRET", Secret), KeyValuePair.Create("EMPTY", "")]);

    private SessionEventSerializer Serializer(EnvCipher cipher) => new((ExtendedActorSystem)Sys, cipher);

    public static TheoryData<string> EnvManifests => ["SL", "SS"];

    private static object WithSecret(string manifest) => SerializationSamples.Full[manifest] switch
    {
        SessionLaunched e => e with { Spec = e.Spec with { Env = Env } },
        SessionState s => s with { Launch = s.Launch with { Env = Env } },
        var other => other,
    };

    [Theory]
    [MemberData(nameof(EnvManifests))]
    public void The_bytes_hold_the_names_and_no_value(string manifest)
    {
        var bytes = Serializer(new EnvCipher(GoldenEnvCipher.Key)).ToBinary(WithSecret(manifest));

        foreach (var form in SecretForms(Secret))
        {
            Assert.True(bytes.AsSpan().IndexOf(form) < 0, $"the bytes hold the secret as {Convert.ToHexString(form)}");
        }

        Assert.True(bytes.AsSpan().IndexOf("MY_SECRET"u8) >= 0);
        var (plaintext, sealedEnv) = manifest == "SL"
            ? (P.SessionLaunched.Parser.ParseFrom(bytes).Launch.Env, P.SessionLaunched.Parser.ParseFrom(bytes).Launch.SealedEnv)
            : (P.SessionStateSnapshot.Parser.ParseFrom(bytes).Launch.Env, P.SessionStateSnapshot.Parser.ParseFrom(bytes).Launch.SealedEnv);
        Assert.Empty(plaintext);
        Assert.Equal(["EMPTY", "MY_SECRET"], sealedEnv.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(EnvManifests))]
    public void Another_key_cannot_read_the_env_and_the_problem_says_which_record(string manifest)
    {
        var bytes = Serializer(new EnvCipher(GoldenEnvCipher.Key)).ToBinary(WithSecret(manifest));

        // Unreadable, not thrown: the session answers a problem naming it, the node and the other sessions go on.
        var e = Assert.IsType<UnreadableEvent>(Serializer(new EnvCipher(new byte[EnvCipher.KeySize])).FromBinary(bytes, manifest));
        Assert.Equal(manifest, e.Manifest);
        Assert.Contains(manifest == "SL" ? "SessionLaunched.launch.sealed_env" : "SessionStateSnapshot.launch.sealed_env", e.Problem);
        Assert.Contains("sessioncluster.secrets", e.Problem);
        Assert.DoesNotContain(Secret, e.Problem);
    }

    [Fact]
    public void Plaintext_env_of_an_older_event_is_read_and_a_sealed_value_wins_over_it()
    {
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(SerializationSamples.At);
        var cipher = new EnvCipher(GoldenEnvCipher.Key);
        var old = new P.SessionLaunched { At = at, Id = "s-old", Env = { ["OLD"] = "plain", ["BOTH"] = "plain" } };
        old.SealedEnv.Add("BOTH", ByteString.CopyFrom(cipher.Seal("s-old", "BOTH", "sealed")));

        var back = Assert.IsType<SessionLaunched>(Serializer(cipher).FromBinary(old.ToByteArray(), "SL"));

        Assert.Equal("plain", back.Spec.Env["OLD"]);
        Assert.Equal("sealed", back.Spec.Env["BOTH"]);
        Assert.Same(StringComparer.Ordinal, back.Spec.Env.KeyComparer);
    }

    [Fact]
    public void A_sealed_value_copied_into_another_session_does_not_read()
    {
        var cipher = new EnvCipher(GoldenEnvCipher.Key);
        var serializer = Serializer(cipher);
        var bytes = serializer.ToBinary(WithSecret("SL"));
        var moved = P.SessionLaunched.Parser.ParseFrom(bytes);
        moved.Id = "s-attacker";

        Assert.Contains("sealed_env", Assert.IsType<UnreadableEvent>(serializer.FromBinary(moved.ToByteArray(), "SL")).Problem);
    }

    [Fact]
    public void The_hocon_binding_seals_too_with_a_key_of_this_process()
    {
        var serializer = Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(SessionState)));
        var launched = (SessionLaunched)WithSecret("SL");

        var bytes = serializer.ToBinary(launched);

        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0);
        Assert.Equal(Secret, ((SessionLaunched)serializer.FromBinary(bytes, "SL")).Spec.Env["MY_SECRET"]);
        Assert.Equal(Secret, ((SessionLaunched)Serializer(EnvCipher.Ephemeral).FromBinary(bytes, "SL")).Spec.Env["MY_SECRET"]);
    }

    /// <summary>
    /// The secret as UTF-8, UTF-16 and base64 at each of the three alignments (cut before the padding-dependent end):
    /// the forms a careless writer might store.
    /// </summary>
    public static IEnumerable<byte[]> SecretForms(string secret)
    {
        var utf8 = Encoding.UTF8.GetBytes(secret);
        yield return utf8;
        yield return Encoding.Unicode.GetBytes(secret);
        for (var skip = 0; skip < 3; skip++)
        {
            var base64 = Convert.ToBase64String(utf8[skip..]);
            yield return Encoding.ASCII.GetBytes(base64[..^4]);
        }
    }
}
