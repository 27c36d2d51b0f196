using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SessionCluster.Testing;

namespace SessionCluster.EndToEnd.Tests;

/// <summary>
/// A node whose default notification channel is a signed webhook to a real receiver on loopback, with a channel
/// whose receiver is down (<c>down</c>) and the system channel a file in the data dir (<c>audit</c>).
/// </summary>
public class NotificationFixture : NodeFixture
{
    public const string Secret = "e2e-hook-secret-value";

    private readonly List<ReceivedRequest> seen = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>The system channel's file.</summary>
    public string AuditFile => Path.Combine(Node.DataDir, "notifications.jsonl");

    protected override string ExtraHocon => $$"""
        sessioncluster.notifications {
          system-channel = audit
          default-channel = ops
          debounce-waiting = 1s
          retry { attempts = 2, min-backoff = 100ms, max-backoff = 500ms }
          channels {
            ops   { type = webhook, url = "{{Receiver.Url}}", secret = "{{Secret}}", timeout = 2s }
            down  { type = webhook, url = "{{WebhookReceiver.UnreachableUrl()}}", timeout = 1s }
            audit { type = file, path = "notifications.jsonl" }
          }
        }
        """;

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>The first webhook request of <paramref name="sessionId"/> of <paramref name="kind"/>, waiting for it up to <paramref name="seconds"/>.</summary>
    public async Task<ReceivedRequest> WebhookAsync(string sessionId, string kind, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            lock (seen)
            {
                if (seen.FirstOrDefault(r => Is(r, sessionId, kind)) is { } found)
                {
                    return found;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no {kind} notification of session {sessionId} within {seconds} s; received: " +
                    string.Join(" | ", Receiver.Received.Select(r => r.Body)));
            }

            var next = await Receiver.NextAsync(left);
            lock (seen)
            {
                seen.Add(next);
            }
        }
    }

    /// <summary>Every webhook request received so far for <paramref name="sessionId"/>.</summary>
    public IReadOnlyList<ReceivedRequest> WebhooksOf(string sessionId) =>
        Receiver.Received.Where(r => r.Json().GetProperty("sessionId").GetString() == sessionId).ToList();

    private static bool Is(ReceivedRequest request, string sessionId, string kind)
    {
        var json = request.Json();
        return json.GetProperty("sessionId").GetString() == sessionId && json.GetProperty("kind").GetString() == kind;
    }

    /// <summary>What a receiver checks: the HMAC-SHA256 over "timestamp.body" with the shared secret, recomputed here independently of the node's code.</summary>
    public static void AssertSigned(ReceivedRequest request)
    {
        var timestamp = request.Header("X-SessionCluster-Timestamp") ?? throw new InvalidOperationException("no timestamp header");
        var signature = request.Header("X-SessionCluster-Signature") ?? throw new InvalidOperationException("no signature header");
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        Assert.Equal(expected, signature);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp), 0, 300);
        Assert.Equal(request.Json().GetProperty("id").GetString(), request.Header("X-SessionCluster-Notification-Id"));
    }

    /// <summary>The system channel's file, one JSON payload per line.</summary>
    public IReadOnlyList<JsonElement> AuditLines() =>
        File.Exists(AuditFile)
            ? File.ReadAllLines(AuditFile).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
            : [];
}
