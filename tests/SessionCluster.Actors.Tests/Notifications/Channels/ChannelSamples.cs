using System.Collections.Immutable;
using SessionCluster.Actors.Notifications;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain;
using SessionCluster.Domain.Notifications;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

/// <summary>Notifications and deliveries as the notifier hands them to a channel.</summary>
public static class ChannelSamples
{
    public static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, 250, TimeSpan.Zero);

    public static Notification Failed(string sessionId = "s1") => new(
        NotificationKind.Failed,
        sessionId,
        "fix-login",
        "claude",
        "failed",
        "ops",
        "✗ fix-login failed (auth): Not logged in. Set ANTHROPIC_API_KEY, then: sessionctl resume s1",
        new ErrorContext(ErrorKind.Auth, "Not logged in", 1, null, "error: no credentials <stdin>", "Please run /login", "Set ANTHROPIC_API_KEY or run `claude /login`"),
        null,
        null,
        ["sessionctl resume s1"],
        null,
        3,
        0.25m,
        new TokenUsage(1200, 340, 50, 7),
        "node-a",
        TimeSpan.FromSeconds(90.5),
        At);

    public static Notification Permission(string sessionId = "s2") => new(
        NotificationKind.PermissionRequest,
        sessionId,
        "refactor",
        "claude",
        "waiting-for-input",
        null,
        "? refactor asks to run Bash: rm -rf build",
        null,
        "May I run this?",
        new PermissionRequest("req-9", "Bash", "rm -rf build", At),
        ["sessionctl approve s2 req-9", "sessionctl deny s2 req-9"],
        "I will clean the build folder.",
        1,
        0m,
        TokenUsage.Zero,
        null,
        null,
        At);

    public static NotificationDelivery DeliveryOf(string id = "s1:7", int attempt = 1, FallbackReason? fallback = null, Notification? notification = null) =>
        new(id, notification ?? Failed(), attempt, fallback);

    public static DeliverToChannel Deliver(string id = "s1:7", int attempt = 1) => new(DeliveryOf(id, attempt));

    public static ImmutableList<string> Args(params string[] args) => [.. args];
}
