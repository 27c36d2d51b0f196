using System.Text.Json;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Tests.Hosting;

/// <summary>Which pods of a Kubernetes PodList become bootstrap contact points, and at which port.</summary>
public sealed class KubernetesPodDiscoveryTests
{
    private static readonly object[] NodePorts = [new { name = "management", containerPort = 8558 }, new { name = "remoting", containerPort = 4053 }];

    private static string Pod(string name, string? ip, string phase = "Running", string? deletion = null, object[]? ports = null)
    {
        var metadata = new Dictionary<string, object> { ["name"] = name };
        if (deletion is not null)
        {
            metadata["deletionTimestamp"] = deletion;
        }

        var status = new Dictionary<string, object> { ["phase"] = phase };
        if (ip is not null)
        {
            status["podIP"] = ip;
        }

        return JsonSerializer.Serialize(new
        {
            metadata,
            spec = new { containers = new object[] { new { name = "node", ports = ports ?? NodePorts }, new { name = "sidecar" } } },
            status,
        });
    }

    private static List<(string Host, int? Port)> Targets(string portName, params string[] pods) =>
        KubernetesPodDiscovery.Targets($$"""{"kind":"PodList","items":[{{string.Join(",", pods)}}]}""", portName)
            .Select(t => (t.Host, t.Port)).ToList();

    [Fact]
    public void Running_pods_with_an_ip_are_listed_at_their_named_port()
    {
        Assert.Equal(
            [("10.0.0.1", 8558), ("10.0.0.2", 8558)],
            Targets("management", Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2")));
        Assert.Equal([("10.0.0.1", 4053)], Targets("remoting", Pod("a", "10.0.0.1")));
    }

    [Fact]
    public void Pending_deleted_addressless_and_portless_pods_are_left_out()
    {
        Assert.Equal(
            [("10.0.0.5", 8558)],
            Targets(
                "management",
                Pod("pending", "10.0.0.1", phase: "Pending"),
                Pod("terminating", "10.0.0.2", deletion: "2026-12-03T10:00:00Z"),
                Pod("no-ip", null),
                Pod("no-port", "10.0.0.4", ports: [new { name = "http", containerPort = 8080 }]),
                Pod("ok", "10.0.0.5")));
    }

    [Fact]
    public void An_empty_or_itemless_list_has_no_targets()
    {
        Assert.Empty(Targets("management"));
        Assert.Empty(KubernetesPodDiscovery.Targets("""{"kind":"Status","code":403}""", "management"));
    }
}
