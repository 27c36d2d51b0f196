using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Notifications.Channels;
using SessionCluster.Testing;

namespace SessionCluster.Actors.Tests.Notifications.Channels;

public sealed class ChannelFactoryTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Each_type_of_settings_makes_its_channel()
    {
        using var data = new TempDirectory("sessioncluster-factory");
        var url = new Uri("http://127.0.0.1:9000/hook");

        Assert.IsType<HttpChannel>(Create(new WebhookChannelSettings(url, "s", Timeout), data.Path));
        Assert.IsType<HttpChannel>(Create(new SlackChannelSettings(url, Timeout), data.Path));
        Assert.IsType<LogChannel>(Create(new LogChannelSettings(), data.Path));
        Assert.IsType<CommandChannel>(Create(new CommandChannelSettings("gateway", ChannelSamples.Args("send"), Timeout), data.Path));
        var file = Assert.IsType<FileChannel>(Create(new FileChannelSettings("notifications.jsonl", Timeout), data.Path));
        Assert.Equal(data.Combine("notifications.jsonl"), file.FullPath);
    }

    [Fact]
    public void Settings_of_an_unknown_type_cannot_make_a_channel()
    {
        var e = Assert.Throws<ChannelException>(() => Create(new PigeonSettings(), "/tmp"));
        Assert.Equal("channel ops: no channel of type 'pigeon'", e.Message);
    }

    private INotificationChannel Create(ChannelSettings settings, string dataDirectory) => ChannelFactory.Create("ops", settings, dataDirectory, Sys.Log);

    private sealed record PigeonSettings() : ChannelSettings(TimeSpan.FromSeconds(5))
    {
        public override string Type => "pigeon";
    }
}
