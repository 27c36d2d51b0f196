using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Testing;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>Webhook and Slack channels against a real HTTP receiver on loopback: up, down, slow, failing.</summary>
public sealed class HttpChannelTests : TestKit, IAsyncLifetime
{
    private const string Secret = "whsec-test-1234";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_webhook_posts_the_json_payload_with_every_field_and_a_signature_the_receiver_can_verify()
    {
        using var channel = new HttpChannel(new WebhookChannelSettings(receiver.Url, Secret, Wait));
        var delivery = DeliveryOf("s1:7", 2, new FallbackReason("ops", "HTTP 500 Internal Server Error"));

        await channel.DeliverAsync(delivery, CancellationToken.None);

        var request = await receiver.NextAsync(Wait);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Equal("s1:7", request.Header(WebhookSignature.NotificationIdHeader));
        Assert.Equal(NotificationPayload.Json(delivery), request.Body);

        var json = request.Json();
        Assert.Equal("s1:7", json.GetProperty("id").GetString());
        Assert.Equal("failed", json.GetProperty("kind").GetString());
        Assert.Equal("s1", json.GetProperty("sessionId").GetString());
        Assert.Equal("fix-login", json.GetProperty("sessionName").GetString());
        Assert.Equal("claude", json.GetProperty("agent").GetString());
        Assert.Equal("failed", json.GetProperty("status").GetString());
        Assert.Equal(delivery.Notification.Text, json.GetProperty("text").GetString());
        var error = json.GetProperty("error");
        Assert.Equal("auth", error.GetProperty("kind").GetString());
        Assert.Equal("Not logged in", error.GetProperty("message").GetString());
        Assert.Equal(1, error.GetProperty("exitCode").GetInt32());
        Assert.False(error.TryGetProperty("signal", out _));
        Assert.Equal("error: no credentials <stdin>", error.GetProperty("stderrTail").GetString());
        Assert.Equal("Please run /login", error.GetProperty("outputTail").GetString());
        Assert.Equal("Set ANTHROPIC_API_KEY or run `claude /login`", error.GetProperty("suggestion").GetString());
        Assert.Equal(["sessionctl resume s1"], json.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(3, json.GetProperty("turns").GetInt32());
        Assert.Equal(0.25m, json.GetProperty("costUsd").GetDecimal());
        var usage = json.GetProperty("usage");
        Assert.Equal(1200, usage.GetProperty("inputTokens").GetInt64());
        Assert.Equal(340, usage.GetProperty("outputTokens").GetInt64());
        Assert.Equal(50, usage.GetProperty("cacheReadInputTokens").GetInt64());
        Assert.Equal(7, usage.GetProperty("cacheCreationInputTokens").GetInt64());
        Assert.Equal("node-a", json.GetProperty("node").GetString());
        Assert.Equal(90.5, json.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("2026-11-27T12:00:00.250Z", json.GetProperty("timestamp").GetString());
        Assert.Equal(1, json.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(2, json.GetProperty("attempt").GetInt32());
        Assert.Equal("ops", json.GetProperty("fallback").GetProperty("fromChannel").GetString());
        Assert.Equal("HTTP 500 Internal Server Error", json.GetProperty("fallback").GetProperty("error").GetString());
        foreach (var absent in new[] { "question", "permission", "lastOutput" })
        {
            Assert.False(json.TryGetProperty(absent, out _), $"{absent} has no value and is left out");
        }

        var timestamp = request.Header(WebhookSignature.TimestampHeader);
        var signature = request.Header(WebhookSignature.SignatureHeader);
        Assert.Matches("^v1=[0-9a-f]{64}$", signature);
        Assert.InRange(long.Parse(timestamp!), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(WebhookSignature.Verify(Secret, timestamp, signature, request.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, signature, request.Body.Replace("fix-login", "fix-logout"), DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify("another-secret", timestamp, signature, request.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, signature, request.Body, DateTimeOffset.UtcNow.AddMinutes(6)), "a replay 6 minutes later is refused");
        Assert.False(WebhookSignature.Verify(Secret, (long.Parse(timestamp!) + 60).ToString(), signature, request.Body, DateTimeOffset.UtcNow), "a changed timestamp breaks the signature");
    }

    [Fact]
    public async Task A_permission_request_carries_what_the_agent_asks_and_the_approve_and_deny_lines()
    {
        using var channel = new HttpChannel(new WebhookChannelSettings(receiver.Url, null, Wait));

        await channel.DeliverAsync(DeliveryOf("s2:4", notification: Permission()), CancellationToken.None);

        var json = (await receiver.NextAsync(Wait)).Json();
        Assert.Equal("permission-request", json.GetProperty("kind").GetString());
        Assert.Equal("May I run this?", json.GetProperty("question").GetString());
        var permission = json.GetProperty("permission");
        Assert.Equal("req-9", permission.GetProperty("requestId").GetString());
        Assert.Equal("Bash", permission.GetProperty("tool").GetString());
        Assert.Equal("rm -rf build", permission.GetProperty("summary").GetString());
        Assert.Equal(["sessionctl approve s2 req-9", "sessionctl deny s2 req-9"], json.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("I will clean the build folder.", json.GetProperty("lastOutput").GetString());
        foreach (var absent in new[] { "error", "node", "durationSeconds", "fallback" })
        {
            Assert.False(json.TryGetProperty(absent, out _), $"{absent} has no value and is left out");
        }
    }

    [Fact]
    public async Task Without_a_secret_a_webhook_is_not_signed_but_still_names_the_notification()
    {
        using var channel = new HttpChannel(new WebhookChannelSettings(receiver.Url, null, Wait));

        await channel.DeliverAsync(DeliveryOf("s1:9"), CancellationToken.None);

        var request = await receiver.NextAsync(Wait);
        Assert.Equal("s1:9", request.Header(WebhookSignature.NotificationIdHeader));
        Assert.Null(request.Header(WebhookSignature.SignatureHeader));
        Assert.Null(request.Header(WebhookSignature.TimestampHeader));
    }

    [Fact]
    public async Task A_slack_webhook_posts_the_text_and_on_a_fallback_why_it_came_this_way()
    {
        using var channel = new HttpChannel(new SlackChannelSettings(receiver.Url, Wait));

        await channel.DeliverAsync(DeliveryOf("s1:7"), CancellationToken.None);
        await channel.DeliverAsync(DeliveryOf("s1:7", fallback: new FallbackReason("ops", "timed out after 5s")), CancellationToken.None);

        var plain = await receiver.NextAsync(Wait);
        Assert.Equal(JsonSerializer.Serialize(new { text = Failed().Text }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), plain.Body);
        var fallback = (await receiver.NextAsync(Wait)).Json();
        Assert.Equal([.. fallback.EnumerateObject().Select(p => p.Name)], ["text"]);
        Assert.Equal($"{Failed().Text}\n(via system channel: ops failed: timed out after 5s)", fallback.GetProperty("text").GetString());
    }

    [Fact]
    public void A_receiver_answering_500_fails_the_attempt_naming_the_status_and_the_next_attempt_is_delivered()
    {
        receiver.FailNext(1, 500, "database is down\nretry later");
        var channel = Sys.ActorOf(ChannelActor.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(receiver.Url, Secret, Wait)), Wait));

        channel.Tell(Deliver("s1:7", 1));
        Assert.Equal(
            new ChannelDeliveryFailed("ops", "s1:7", 1, "HTTP 500 Internal Server Error: database is down retry later"),
            ExpectMsg<ChannelDeliveryFailed>(Wait));
        channel.Tell(Deliver("s1:7", 2));
        ExpectMsg<ChannelDelivered>(Wait);

        Assert.Equal([500, 200], receiver.Received.Select(r => r.AnsweredStatus));
        Assert.All(receiver.Received, r => Assert.Equal("s1:7", r.Header(WebhookSignature.NotificationIdHeader)));
    }

    [Fact]
    public void An_error_body_is_cut_to_its_first_200_characters()
    {
        receiver.FailNext(1, 502, new string('x', 5000));
        var channel = Sys.ActorOf(ChannelActor.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(receiver.Url, null, Wait)), Wait));

        channel.Tell(Deliver());

        Assert.Equal($"HTTP 502 Bad Gateway: {new string('x', 200)}", ExpectMsg<ChannelDeliveryFailed>(Wait).Error);
    }

    [Fact]
    public void A_receiver_that_is_down_fails_the_attempt_with_a_readable_error_that_never_shows_the_url_path_or_the_secret()
    {
        var down = WebhookReceiver.UnreachableUrl();
        var url = new Uri(down, "/services/T000/B000/slack-path-secret");
        var webhook = Sys.ActorOf(ChannelActor.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(url, Secret, Wait)), Wait));
        var slack = Sys.ActorOf(ChannelActor.Props("chat", _ => new HttpChannel(new SlackChannelSettings(url, Wait)), Wait));

        webhook.Tell(Deliver());
        slack.Tell(Deliver());

        foreach (var failed in new[] { ExpectMsg<ChannelDeliveryFailed>(Wait), ExpectMsg<ChannelDeliveryFailed>(Wait) })
        {
            Assert.Equal($"cannot connect to http://127.0.0.1:{down.Port}: Connection refused", failed.Error);
            Assert.DoesNotContain("slack-path-secret", failed.Error);
            Assert.DoesNotContain(Secret, failed.Error);
        }
    }

    [Fact]
    public async Task A_slow_receiver_times_the_attempt_out_at_the_channel_timeout()
    {
        receiver.Delay(TimeSpan.FromSeconds(30));
        var timeout = TimeSpan.FromMilliseconds(500);
        var channel = Sys.ActorOf(ChannelSupervision.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(receiver.Url, Secret, timeout)), timeout));

        channel.Tell(Deliver());

        Assert.Equal(new ChannelDeliveryFailed("ops", "s1:7", 1, "timed out after 500ms"), ExpectMsg<ChannelDeliveryFailed>(timeout + TimeSpan.FromSeconds(3)));
        Assert.Equal("s1:7", (await receiver.NextAsync(Wait)).Header(WebhookSignature.NotificationIdHeader));

        receiver.Delay(TimeSpan.Zero);
        channel.Tell(Deliver("s1:7", 2));
        ExpectMsg<ChannelDelivered>(Wait);
    }

    [Fact]
    public void A_redirect_is_not_followed_it_fails_the_attempt()
    {
        receiver.FailNext(1, 307, "");
        var channel = Sys.ActorOf(ChannelActor.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(receiver.Url, null, Wait)), Wait));

        channel.Tell(Deliver());

        Assert.Equal("HTTP 307 Temporary Redirect", ExpectMsg<ChannelDeliveryFailed>(Wait).Error);
    }

    [Fact]
    public void A_url_that_is_not_http_cannot_make_a_channel()
    {
        var e = Assert.Throws<ChannelException>(() => new HttpChannel(new WebhookChannelSettings(new Uri("file:///etc/passwd"), null, Wait)));
        Assert.Equal("the channel's url must be an absolute http(s) URL, not 'file:'", e.Message);
    }

    [Fact]
    public void Many_deliveries_at_once_all_arrive_each_once()
    {
        var channel = Sys.ActorOf(ChannelActor.Props("ops", _ => new HttpChannel(new WebhookChannelSettings(receiver.Url, Secret, Wait)), Wait));
        var ids = Enumerable.Range(1, 200).Select(i => $"s1:{i}").ToList();

        ids.ForEach(id => channel.Tell(Deliver(id)));

        var answered = Enumerable.Range(0, ids.Count).Select(_ => ExpectMsg<ChannelDelivered>(Wait).Id).ToList();
        Assert.Equal(ids.ToHashSet(), answered.ToHashSet());
        Assert.Equal(ids.Order(), receiver.Received.Select(r => r.Header(WebhookSignature.NotificationIdHeader)!).Order());
    }
}
