namespace SessionCluster.Domain.Placement;

/// <summary>
/// Where a launch goes, as a pure rule over what the agent hosts answered: a node that takes new sessions, where the
/// working directory exists, with free capacity, with the agent installed, least loaded first.
/// </summary>
public static class PlacementRules
{
    /// <summary>
    /// The hosts to try, best first (the first one that reserves a slot runs the session), or why none can.
    /// </summary>
    /// <param name="pin">The node the launch asked for (its Akka address, name or id); null for any.</param>
    /// <param name="unanswered">Agent hosts that did not answer in time, by name, for the refusal's words.</param>
    public static (IReadOnlyList<AgentHostPlacement> Candidates, Rejection? Refusal) Choose(
        IReadOnlyList<HostOffer> offers, string? pin, IReadOnlyList<string>? unanswered = null)
    {
        if (pin is not null)
        {
            return ChoosePinned(offers, pin, unanswered ?? []);
        }

        if (offers.Count == 0)
        {
            return Refuse(RejectionCode.Unavailable, "no agent host answered" + Silent(unanswered ?? []) + "; try again");
        }

        var open = offers.Where(o => !o.Draining).ToList();
        if (open.Count == 0)
        {
            return Refuse(RejectionCode.Unavailable, $"every agent host is leaving the cluster ({Names(offers)}); try again when a node joins");
        }

        var usable = open.Where(o => o.WorkdirProblem is null).ToList();
        if (usable.Count == 0)
        {
            // Each host's words name its node ("workdir '/w' does not exist on node a").
            return Refuse(RejectionCode.InvalidInput, open.Count == 1
                ? open[0].WorkdirProblem!
                : "the working directory is not usable on any agent host: " + string.Join("; ", open.Select(o => o.WorkdirProblem)));
        }

        var roomy = usable.Where(o => o.HasRoom).ToList();
        if (roomy.Count == 0)
        {
            return Refuse(RejectionCode.Unavailable,
                "every agent host is at its capacity (sessioncluster.agents.max-live-sessions): " +
                string.Join(", ", usable.Select(o => $"{o.Host.Node} {o.Live}/{o.Capacity}")) + "; try again when a session ends");
        }

        // A node without the agent is the last resort: the session then fails there with agent-binary-missing and
        // says what is missing, as on a single node.
        var ordered = roomy
            .OrderBy(o => o.AgentProblem is null ? 0 : 1)
            .ThenBy(o => (double)o.Live / o.Capacity)
            .ThenBy(o => o.Live)
            .ThenBy(o => o.Host.Address, StringComparer.Ordinal)
            .Select(o => o.Host)
            .ToList();
        return (ordered, null);
    }

    /// <summary>Whether <paramref name="pin"/> names this host: its Akka address, its name or its stable id.</summary>
    public static bool Names(AgentHostPlacement host, string pin) =>
        string.Equals(host.Address.TrimEnd('/'), pin.TrimEnd('/'), StringComparison.Ordinal)
        || string.Equals(host.Node, pin, StringComparison.Ordinal)
        || string.Equals(host.NodeId, pin, StringComparison.Ordinal);

    private static (IReadOnlyList<AgentHostPlacement>, Rejection?) ChoosePinned(IReadOnlyList<HostOffer> offers, string pin, IReadOnlyList<string> unanswered)
    {
        var matches = offers.Where(o => Names(o.Host, pin)).ToList();
        if (matches.Count == 0)
        {
            return unanswered.Contains(pin)
                ? Refuse(RejectionCode.Unavailable, $"node {pin} did not answer; try again")
                : Refuse(RejectionCode.InvalidInput, $"no agent host {pin} in the cluster; the agent hosts are: {Names(offers)}" + Silent(unanswered));
        }

        if (matches.Count > 1)
        {
            return Refuse(RejectionCode.InvalidInput,
                $"{pin} names {matches.Count} agent hosts ({string.Join(", ", matches.Select(m => m.Host.Address))}); give an Akka address or a node id");
        }

        var only = matches[0];
        return only switch
        {
            { Draining: true } => Refuse(RejectionCode.Unavailable, $"node {only.Host.Node} is leaving the cluster and takes no new session"),
            { WorkdirProblem: { } problem } => Refuse(RejectionCode.InvalidInput, problem),

            // Pinned, there is no other node to fall back to: say so now rather than fail the session there.
            { AgentProblem: { } problem } => Refuse(RejectionCode.InvalidInput,
                problem.Contains($"node {only.Host.Node}", StringComparison.Ordinal) ? problem : $"on node {only.Host.Node}: {problem}"),
            { HasRoom: false } => Refuse(RejectionCode.Unavailable,
                $"node {only.Host.Node} is at its capacity ({only.Live}/{only.Capacity} live sessions, sessioncluster.agents.max-live-sessions); try again when a session ends"),
            _ => ([only.Host], null),
        };
    }

    private static string Names(IEnumerable<HostOffer> offers) =>
        string.Join(", ", offers.Select(o => $"{o.Host.Node} ({o.Host.Address})")) is { Length: > 0 } names ? names : "none";

    private static string Silent(IReadOnlyList<string> unanswered) =>
        unanswered.Count == 0 ? "" : $" (not answering: {string.Join(", ", unanswered)})";

    private static (IReadOnlyList<AgentHostPlacement>, Rejection?) Refuse(RejectionCode code, string reason) =>
        ([], new Rejection(code, reason));
}
