using SessionCluster.Actors.Notifications.Channels;
using static SessionCluster.Actors.Tests.Notifications.Channels.ChannelSamples;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>The payload's exact text: a receiver's parser depends on every name and on the order being stable.</summary>
public sealed class NotificationPayloadTests
{
    [Fact]
    public void A_failed_notification_on_a_fallback_is_compact_camel_case_json_with_nulls_left_out()
    {
        var json = NotificationPayload.Json(DeliveryOf("s1:7", 3, new FallbackReason("ops", "timed out after 5s")));

        Assert.Equal(
            "{\"id\":\"s1:7\",\"kind\":\"failed\",\"sessionId\":\"s1\",\"sessionName\":\"fix-login\",\"agent\":\"claude\",\"status\":\"failed\","
            + "\"text\":\"✗ fix-login failed (auth): Not logged in. Set ANTHROPIC_API_KEY, then: sessionctl resume s1\","
            + "\"error\":{\"kind\":\"auth\",\"message\":\"Not logged in\",\"exitCode\":1,\"stderrTail\":\"error: no credentials <stdin>\","
            + "\"outputTail\":\"Please run /login\",\"suggestion\":\"Set ANTHROPIC_API_KEY or run `claude /login`\"},"
            + "\"commands\":[\"sessionctl resume s1\"],\"turns\":3,\"costUsd\":0.25,"
            + "\"usage\":{\"inputTokens\":1200,\"outputTokens\":340,\"cacheReadInputTokens\":50,\"cacheCreationInputTokens\":7},"
            + "\"node\":\"node-a\",\"durationSeconds\":90.5,\"timestamp\":\"2026-11-27T12:00:00.250Z\",\"schemaVersion\":1,\"attempt\":3,"
            + "\"fallback\":{\"fromChannel\":\"ops\",\"error\":\"timed out after 5s\"}}",
            json);
    }

    [Fact]
    public void Quotes_and_newlines_in_texts_are_escaped_so_the_payload_stays_one_line()
    {
        var json = NotificationPayload.Json(DeliveryOf(notification: Failed() with { Text = "line 1\nsaid \"hi\"\r\n\ttab" }));

        Assert.DoesNotContain('\n', json);
        Assert.Contains("\"text\":\"line 1\\nsaid \\\"hi\\\"\\r\\n\\ttab\"", json);
    }

    [Fact]
    public void The_slack_body_is_the_text_alone()
    {
        Assert.Equal(
            "{\"text\":\"✗ fix-login failed (auth): Not logged in. Set ANTHROPIC_API_KEY, then: sessionctl resume s1\"}",
            NotificationPayload.SlackJson(DeliveryOf()));
        Assert.Equal(
            "{\"text\":\"✗ fix-login failed (auth): Not logged in. Set ANTHROPIC_API_KEY, then: sessionctl resume s1\\n(via system channel: ops failed: HTTP 500)\"}",
            NotificationPayload.SlackJson(DeliveryOf(fallback: new FallbackReason("ops", "HTTP 500"))));
    }
}
