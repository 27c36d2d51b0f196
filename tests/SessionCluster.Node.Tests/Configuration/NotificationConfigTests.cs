using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Domain.Notifications;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.Configuration;

/// <summary>sessioncluster.notifications as the node loads it: the issue's shape, secrets from the environment, and a clear error for each mistake.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NotificationConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private Actors.Notifications.NotificationSettings Load(string hocon)
    {
        var file = Path.Combine(temp.Path, $"n{Guid.NewGuid():N}.hocon");
        File.WriteAllText(file, hocon);
        return NodeConfig.Load(new NodeCommandLine(temp.Path, [file], null, null)).Notifications;
    }

    private string Refused(string notifications)
    {
        var error = Assert.ThrowsAny<Exception>(() => Load($"sessioncluster.notifications {{ {notifications} }}"));
        return error.Message;
    }

    [Fact]
    public void The_defaults_send_to_the_log_channel_with_a_five_second_debounce()
    {
        var settings = Load("");
        Assert.Equal("log", settings.SystemChannel);
        Assert.Equal("log", settings.DefaultChannel);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.DebounceWaiting);
        Assert.Equal(NotificationKinds.Default.OrderBy(k => k), settings.Kinds.OrderBy(k => k));
        Assert.IsType<LogChannelSettings>(Assert.Single(settings.Channels).Value);
    }

    [Fact]
    public void The_issues_shape_loads_with_the_secret_taken_from_the_environment()
    {
        environment.Set("OPS_HOOK_SECRET", "s3cr\"et+value");
        var settings = Load("""
            sessioncluster.notifications {
              system-channel = log
              default-channel = ops
              debounce-waiting = 2s
              kinds = [waiting-for-input, completed, failed, launched]
              channels {
                ops   { type = webhook, url = "http://127.0.0.1:9000/hook", secret = ${?OPS_HOOK_SECRET}, timeout = 3s }
                chat  { type = slack, url = "https://hooks.example.com/T000/B000" }
                audit { type = file, path = "notifications.jsonl" }
                gateway { type = command, executable = "/usr/local/bin/gateway", args = ["notify", "--json"] }
                log   { type = log }
              }
            }
            """);

        Assert.Equal("ops", settings.DefaultChannel);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.DebounceWaiting);
        Assert.Contains(NotificationKind.Launched, settings.Kinds);
        Assert.DoesNotContain(NotificationKind.Killed, settings.Kinds);
        Assert.Equal(
            new WebhookChannelSettings(new Uri("http://127.0.0.1:9000/hook"), "s3cr\"et+value", TimeSpan.FromSeconds(3)),
            settings.Channels["ops"]);
        Assert.Equal(ChannelSettings.DefaultTimeout, settings.Channels["chat"].Timeout);
        Assert.Equal("notifications.jsonl", ((FileChannelSettings)settings.Channels["audit"]).Path);
        Assert.Equal(["notify", "--json"], ((CommandChannelSettings)settings.Channels["gateway"]).Args);
        Assert.Equal(["audit", "chat", "gateway", "log", "ops"], settings.Channels.Keys);
    }

    [Fact]
    public void An_unset_optional_secret_leaves_the_webhook_unsigned()
    {
        environment.Set("OPS_HOOK_SECRET", null);
        var settings = Load("""sessioncluster.notifications.channels.ops { type = webhook, url = "http://127.0.0.1:9000/hook", secret = ${?OPS_HOOK_SECRET} }""");
        Assert.Null(((WebhookChannelSettings)settings.Channels["ops"]).Secret);
    }

    [Theory]
    [InlineData("default-channel = ops", "sessioncluster.notifications.default-channel is \"ops\", which is not a configured channel; the channels are: log")]
    [InlineData("system-channel = nope", "sessioncluster.notifications.system-channel is \"nope\", which is not a configured channel; the channels are: log")]
    [InlineData("channels.ops { type = pigeon }", "sessioncluster.notifications.channels.ops.type is \"pigeon\"; it must be one of webhook, slack, file, log, command")]
    [InlineData("channels.ops { url = \"http://x\" }", "sessioncluster.notifications.channels.ops.type is missing; it must be one of webhook, slack, file, log, command")]
    [InlineData("channels.ops { type = webhook }", "sessioncluster.notifications.channels.ops.url is missing")]
    [InlineData("channels.ops { type = webhook, url = \"ftp://x/y\" }", "sessioncluster.notifications.channels.ops.url is \"ftp://x/y\"; it must be an absolute http:// or https:// URL")]
    [InlineData("channels.ops { type = webhook, url = \"http://x\", timeout = 0s }", "sessioncluster.notifications.channels.ops.timeout is 0s; it must be more than 0")]
    [InlineData("channels.ops { type = command }", "sessioncluster.notifications.channels.ops.executable is missing")]
    [InlineData("kinds = [completed, shouting]", "sessioncluster.notifications.kinds has \"shouting\"; the kinds are: waiting-for-input, permission-request, launched, responded, turn-completed, completed, failed, interrupted, killed, node-lost")]
    [InlineData("retry.attempts = 0", "sessioncluster.notifications.retry.attempts is 0; it must be at least 1")]
    [InlineData("debounce-waiting = -1s", "sessioncluster.notifications.debounce-waiting is -1s; it must be 0 or more")]
    public void A_mistake_is_refused_naming_the_key(string notifications, string expected) =>
        Assert.Equal(expected, Refused(notifications));
}
