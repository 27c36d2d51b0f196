using SessionCluster.Actors.EventLog;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Tests.Support;

namespace SessionCluster.Node.Tests.EventLog;

/// <summary>sessioncluster.event-log.max-events-per-session; <see cref="NodeConfig.Load"/> reads the environment, so these run alone.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class EventLogConfigTests : IDisposable
{
    private readonly EnvironmentScope environment = new();
    private readonly TempDir temp = new();

    public void Dispose()
    {
        environment.Dispose();
        temp.Dispose();
    }

    private NodeSettings Load(params string[] configFiles) =>
        NodeConfig.Load(new NodeCommandLine(temp.Combine("data"), configFiles, null, null));

    [Fact]
    public void The_default_bound_is_ten_thousand_events()
    {
        Assert.Equal(10_000, Load().EventLog.MaxEventsPerSession);
        Assert.Equal(EventLogSettings.Default, Load().EventLog);
    }

    [Fact]
    public void The_bound_is_configurable()
    {
        var config = temp.File("log.hocon", "sessioncluster.event-log.max-events-per-session = 250");

        Assert.Equal(250, Load(config).EventLog.MaxEventsPerSession);
    }

    [Fact]
    public void A_bound_below_one_stops_the_start_with_the_key()
    {
        var config = temp.File("log.hocon", "sessioncluster.event-log.max-events-per-session = 0");

        var error = Assert.Throws<FormatException>(() => Load(config));
        Assert.Contains("sessioncluster.event-log.max-events-per-session is 0; it must be at least 1", error.Message);
    }

    [Fact]
    public void The_flush_interval_and_the_follow_buffer_are_configurable_with_defaults_of_5ms_and_1000()
    {
        Assert.Equal((TimeSpan.FromMilliseconds(5), 1000), (Load().EventLog.FlushInterval, Load().EventLog.FollowBuffer));

        var config = temp.File("follow.hocon", "sessioncluster.event-log { flush-interval = 20ms, follow-buffer = 50 }");

        Assert.Equal((TimeSpan.FromMilliseconds(20), 50), (Load(config).EventLog.FlushInterval, Load(config).EventLog.FollowBuffer));
    }

    [Theory]
    [InlineData("follow-buffer = 0", "sessioncluster.event-log.follow-buffer is 0; it must be at least 1")]
    [InlineData("flush-interval = 2s", "sessioncluster.event-log.flush-interval is 2s; it must be from 0ms to 1s")]
    public void A_bad_follow_setting_stops_the_start_with_the_key(string line, string says)
    {
        var config = temp.File("bad.hocon", "sessioncluster.event-log." + line);

        Assert.Contains(says, Assert.Throws<FormatException>(() => Load(config)).Message);
    }
}
