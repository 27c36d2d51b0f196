using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using SessionCluster.Actors.Membership;
using SessionCluster.Domain;
using SessionCluster.Domain.Placement;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// Places launches on the cluster's agent hosts: asks every member with the agent-host role what it could do for the
/// launch (agent installed, workdir usable, capacity, leaving), lets <see cref="PlacementRules"/> choose, and reserves a
/// slot on the first candidate that still has one. Node-local and stateless: each ask runs on its own.
/// </summary>
public sealed class AgentPlacement : ReceiveActor
{
    public const string Name = "agent-placement";

    private readonly ILoggingAdapter log = Context.GetLogger();

    /// <param name="askHostsWithin">How long each agent host has to answer a describe or a reservation.</param>
    public AgentPlacement(TimeSpan askHostsWithin)
    {
        var system = Context.System;
        // Not awaited in the actor: a host that does not answer must not hold back the placements behind it.
        Receive<PlaceSession>(place => Place(system, place, askHostsWithin).ContinueWith(t =>
        {
            var answer = t.IsCompletedSuccessfully
                ? t.Result
                : new PlacementRefused(new Rejection(RejectionCode.Unavailable, $"placing the session failed: {t.Exception?.GetBaseException().Message}"));
            if (answer is PlacementRefused refused)
            {
                log.Info("Session {0} not placed: {1}", place.SessionId, refused.Rejection.Reason);
            }

            return answer;
        }, TaskScheduler.Default).PipeTo(Sender));
        Receive<DescribeAgentHosts>(_ => DescribeAll(system, DescribeAgentHost.Plain, askHostsWithin).PipeTo(Sender));
    }

    public static Props Props(TimeSpan askHostsWithin) => Akka.Actor.Props.Create(() => new AgentPlacement(askHostsWithin));

    private static async Task<PlacementAnswer> Place(ActorSystem system, PlaceSession place, TimeSpan within)
    {
        var described = await DescribeAll(system, new DescribeAgentHost(place.Agent, place.Workdir), within);
        var silent = described.Silent.SelectMany(s => new[] { s.Address, s.NodeId }).OfType<string>().ToList();
        var (candidates, refusal) = PlacementRules.Choose(described.Hosts.Select(h => h.Offer).ToList(), place.Pin, silent);
        if (refusal is not null)
        {
            return new PlacementRefused(refusal);
        }

        var refusals = new List<string>();
        foreach (var host in candidates)
        {
            try
            {
                var reply = await system.ActorSelection(AgentHosts.PathOf(Address.Parse(host.Address)))
                    .Ask<object>(new ReserveSlot(place.SessionId), within);
                if (reply is SlotReserved)
                {
                    return new SessionPlaced(host);
                }

                refusals.Add(reply is SlotRefused slotRefused ? slotRefused.Reason : $"node {host.Node} answered {reply.GetType().Name}");
            }
            catch (AskTimeoutException)
            {
                refusals.Add($"node {host.Node} did not answer");
            }
        }

        return new PlacementRefused(new Rejection(RejectionCode.Unavailable, string.Join("; ", refusals) + "; try again"));
    }

    private static async Task<AgentHostsDescribed> DescribeAll(ActorSystem system, DescribeAgentHost describe, TimeSpan within)
    {
        var state = Cluster.Get(system).State;
        var hosts = state.Members
            .Where(m => (m.Status is MemberStatus.Up or MemberStatus.WeaklyUp) && m.HasRole(NodeRoles.AgentHost))
            .ToList();
        var answers = await Task.WhenAll(hosts.Select(async member =>
        {
            if (state.Unreachable.Contains(member))
            {
                return (member, (AgentHostDescribed?)null); // it could not answer: no wait for it
            }

            try
            {
                return (member, await system.ActorSelection(AgentHosts.PathOf(member.Address)).Ask<AgentHostDescribed>(describe, within));
            }
            catch (AskTimeoutException)
            {
                return (member, (AgentHostDescribed?)null);
            }
        }));
        return new AgentHostsDescribed(
            answers.Where(a => a.Item2 is not null).Select(a => a.Item2!).ToList(),
            answers.Where(a => a.Item2 is null)
                .Select(a => new SilentAgentHost(a.member.Address.ToString(), NodeRoles.NodeIdOf(a.member), !state.Unreachable.Contains(a.member)))
                .ToList());
    }
}
