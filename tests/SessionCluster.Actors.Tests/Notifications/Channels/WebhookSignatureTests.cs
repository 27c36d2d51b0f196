using System.Security.Cryptography;
using System.Text;
using SessionCluster.Actors.Notifications.Channels;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-abc";
    private const string Body = "{\"id\":\"s1:7\"}";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    [Fact]
    public void The_signature_is_hex_hmac_sha256_of_timestamp_dot_body()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"1790000000.{Body}")));

        Assert.Equal($"v1={expected}", WebhookSignature.Sign(Secret, 1_790_000_000, Body));
    }

    [Fact]
    public void The_headers_always_name_the_notification_and_sign_only_with_a_secret()
    {
        Assert.Equal(
            [new(WebhookSignature.NotificationIdHeader, "s1:7")],
            WebhookSignature.Headers("s1:7", null, Body, Now));
        Assert.Equal(
            [
                new(WebhookSignature.NotificationIdHeader, "s1:7"),
                new(WebhookSignature.TimestampHeader, "1790000000"),
                new(WebhookSignature.SignatureHeader, WebhookSignature.Sign(Secret, 1_790_000_000, Body)),
            ],
            WebhookSignature.Headers("s1:7", Secret, Body, Now));
    }

    [Fact]
    public void Verify_accepts_a_fresh_signature_and_refuses_a_replay_a_forgery_or_garbage()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var ts = "1790000000";

        Assert.True(WebhookSignature.Verify(Secret, ts, signature, Body, Now));
        Assert.True(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddMinutes(4)));
        Assert.True(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddMinutes(-4)), "a receiver's clock a little behind");
        Assert.False(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddMinutes(6)), "older than the tolerance: a replay");
        Assert.True(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddMinutes(6), TimeSpan.FromMinutes(10)));
        Assert.False(WebhookSignature.Verify(Secret, ts, signature, Body + " ", Now));
        Assert.False(WebhookSignature.Verify(Secret, "1790000001", signature, Body, Now));
        Assert.False(WebhookSignature.Verify("whsec-other", ts, signature, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, ts, signature.ToUpperInvariant(), Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, null, signature, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, "soon", signature, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, "-1", signature, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, ts, null, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, ts, "v0=" + signature[3..], Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, "99999999999999999999", signature, Body, Now));
    }

    [Fact]
    public void Verify_accepts_any_one_of_several_signatures_so_a_secret_can_be_rotated()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var old = WebhookSignature.Sign("whsec-old", Now.ToUnixTimeSeconds(), Body);

        Assert.True(WebhookSignature.Verify(Secret, "1790000000", $"{old}, {signature}", Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1790000000", old, Body, Now));
    }
}
