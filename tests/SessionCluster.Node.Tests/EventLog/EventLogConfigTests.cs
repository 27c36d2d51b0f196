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
}
