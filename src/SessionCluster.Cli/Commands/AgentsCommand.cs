using System.CommandLine;
using System.Globalization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>agents show</c>: every agent host of the cluster (GET /api/agents), pbm-style: one host a line, columns split by
/// " | ", then the count; the hosts that did not answer are listed as such.
/// </summary>
internal static class AgentsCommand
{
    public static Command Create(GlobalOptions globals, CliContext context) =>
        new("agents", "The cluster's agent hosts: installed agents, versions, capacity, live sessions")
        {
            Show(globals, context),
        };

    private static Command Show(GlobalOptions globals, CliContext context)
    {
        var command = new Command("show", "Every agent host: address | node | agents | capacity | live | draining, then the count");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return ClusterCommand.Answer(run, await client.AgentsAsync(ct), HostLines);
        });
        return command;
    }

    /// <summary>A header, one host a line with its columns padded, the silent hosts, then the count.</summary>
    internal static List<string> HostLines(AgentHostsDto agents)
    {
        var rows = new List<string[]> { new[] { "ADDRESS", "NODE", "AGENTS", "CAPACITY", "LIVE", "DRAINING" } };
        rows.AddRange(agents.Hosts.Select(h => new[]
        {
            h.Address,
            $"{h.NodeName} (id {h.NodeId})",
            h.Agents.Count == 0 ? "none" : string.Join(", ", h.Agents.Select(Agent)),
            h.Capacity.ToString(CultureInfo.InvariantCulture),
            h.LiveSessions.ToString(CultureInfo.InvariantCulture),
            h.Draining ? "draining" : "no",
        }));
        rows.AddRange(agents.Silent.Select(s => new[]
        {
            s.Address,
            s.NodeId is null ? "-" : $"(id {s.NodeId})",
            s.Reachable ? "did not answer in time" : "did not answer (unreachable)",
            "-", "-", "-",
        }));

        var widths = Enumerable.Range(0, 6).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var lines = rows.Select(r => string.Join(" | ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i])))).ToList();
        var count = agents.Hosts.Count + agents.Silent.Count;
        lines.Add(agents.Silent.Count == 0
            ? $"Count: {count} agent hosts"
            : $"Count: {count} agent hosts ({agents.Silent.Count} did not answer)");
        return lines;
    }

    /// <summary>"claude 2.0.14", "codex (version unknown)", "codex not installed: ...".</summary>
    private static string Agent(AgentInstallationDto agent) =>
        !agent.Installed ? $"{agent.Name} not installed"
        : agent.Version is { } version ? $"{agent.Name} {SessionCtl.OneLine(version)}"
        : $"{agent.Name} (version unknown)";
}
