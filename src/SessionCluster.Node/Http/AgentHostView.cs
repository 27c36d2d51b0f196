using SessionCluster.Actors.AgentHosting;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>What the agent hosts said of themselves, as the API shows it: hosts by address, then the silent ones.</summary>
public static class AgentHostView
{
    public static AgentHostsDto Of(AgentHostsDescribed described) => new(
        described.Hosts
            .Select(h => new AgentHostDto(
                h.Offer.Host.Address,
                h.Offer.Host.Node,
                h.Offer.Host.NodeId,
                h.Agents
                    .OrderBy(a => a.Agent, StringComparer.Ordinal)
                    .Select(a => new AgentInstallationDto(a.Agent, a.Version, a.Problem is null, a.Path, a.Problem))
                    .ToList(),
                h.Offer.Capacity,
                h.Offer.Live,
                h.Offer.Draining))
            .OrderBy(h => h.Address, StringComparer.Ordinal)
            .ToList(),
        described.Silent
            .Select(s => new SilentAgentHostDto(s.Address, s.NodeId, s.Reachable))
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList());
}
