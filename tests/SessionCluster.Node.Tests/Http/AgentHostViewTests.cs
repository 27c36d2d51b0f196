using SessionCluster.Actors.AgentHosting;
using SessionCluster.Agents;
using SessionCluster.Contracts;
using SessionCluster.Domain.Placement;
using SessionCluster.Node.Http;

namespace SessionCluster.Node.Tests.Http;

public sealed class AgentHostViewTests
{
    private const string A = "akka.tcp://sessioncluster@10.0.0.1:4053";
    private const string B = "akka.tcp://sessioncluster@10.0.0.2:4053";

    private static AgentHostDescribed Host(string address, string name, string id, int live, int capacity, bool draining, params AgentInstallation[] agents) =>
        new(new HostOffer(new AgentHostPlacement(id, name, address), null, null, live, capacity, draining), agents);

    [Fact]
    public void Each_host_gives_its_node_its_agents_by_name_with_their_versions_its_capacity_load_and_drain_by_address()
    {
        var described = new AgentHostsDescribed(
        [
            Host(B, "node2", "id-b", 0, 16, true,
                new AgentInstallation("codex", null, null, "codex was not found on PATH"),
                new AgentInstallation("claude", "/usr/bin/claude", null, null)),
            Host(A, "node1", "id-a", 3, 8, false,
                new AgentInstallation("claude", "/usr/bin/claude", "2.0.14 (Claude Code)", null)),
        ],
        [new SilentAgentHost("akka.tcp://sessioncluster@10.0.0.3:4053", "id-c", false), new SilentAgentHost("akka.tcp://sessioncluster@10.0.0.0:4053", null, true)]);

        var dto = AgentHostView.Of(described);

        Assert.Equal(
            [
                new AgentHostDto(A, "node1", "id-a", [new AgentInstallationDto("claude", "2.0.14 (Claude Code)", true, "/usr/bin/claude", null)], 8, 3, false),
                new AgentHostDto(B, "node2", "id-b",
                [
                    new AgentInstallationDto("claude", null, true, "/usr/bin/claude", null),
                    new AgentInstallationDto("codex", null, false, null, "codex was not found on PATH"),
                ], 16, 0, true),
            ],
            dto.Hosts, new HostComparer());
        Assert.Equal(
            [new SilentAgentHostDto("akka.tcp://sessioncluster@10.0.0.0:4053", null, true), new SilentAgentHostDto("akka.tcp://sessioncluster@10.0.0.3:4053", "id-c", false)],
            dto.Silent);
    }

    [Fact]
    public void No_agent_host_answering_is_an_empty_list_not_an_error()
    {
        var dto = AgentHostView.Of(new AgentHostsDescribed([], []));

        Assert.Empty(dto.Hosts);
        Assert.Empty(dto.Silent);
    }

    // Records compare their lists by reference: compare the hosts field by field, agents by value.
    private sealed class HostComparer : IEqualityComparer<AgentHostDto>
    {
        public bool Equals(AgentHostDto? x, AgentHostDto? y) =>
            x is not null && y is not null
            && (x.Address, x.NodeName, x.NodeId, x.Capacity, x.LiveSessions, x.Draining) == (y.Address, y.NodeName, y.NodeId, y.Capacity, y.LiveSessions, y.Draining)
            && x.Agents.SequenceEqual(y.Agents);

        public int GetHashCode(AgentHostDto obj) => obj.Address.GetHashCode(StringComparison.Ordinal);
    }
}
