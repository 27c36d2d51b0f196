using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>cluster-sharding regions | region-stats -r &lt;region&gt; | entity &lt;id&gt;</c>: Petabridge.Cmd's sharding verbs over the
/// node's API: the shard regions, their shards and entities per node, and where one session's entity lives.
/// </summary>
internal static class ClusterShardingCommand
{
    public static Command Create(GlobalOptions globals, CliContext context) =>
        new("cluster-sharding", "Shard regions, their shards and entities per node, and where a session lives (the Petabridge.Cmd verbs)")
        {
            Regions(globals, context),
            RegionStats(globals, context),
            Entity(globals, context),
        };

    private static Command Regions(GlobalOptions globals, CliContext context)
    {
        var command = new Command("regions", "The shard regions of the cluster, as this node runs them");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return ClusterCommand.Answer(run, await client.ShardRegionsAsync(ct), regions => regions.Count == 0
                ? ["no shard regions"]
                : regions.Select(r => r.Aliases.Count == 0 ? r.Name : $"{r.Name} (also: {string.Join(", ", r.Aliases)})"));
        });
        return command;
    }

    private static Command RegionStats(GlobalOptions globals, CliContext context)
    {
        var region = new Option<string>("--region", "-r") { Description = "The shard region (see 'cluster-sharding regions'): session, or sessions", Required = true, HelpName = "name" };
        var command = new Command("region-stats", "Shards and live entities per node of one shard region") { region };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return ClusterCommand.Answer(run, await client.ShardRegionStatsAsync(run.Parse.GetValue(region)!, ct), StatsLines);
        });
        return command;
    }

    private static List<string> StatsLines(RegionStatsDto s)
    {
        var lines = new List<string> { $"Shard region: {s.Region}" };
        foreach (var node in s.Nodes)
        {
            lines.Add($"{node.Address}: {node.Shards.Count} shards, {node.EntityCount} entities");
            lines.AddRange(node.Shards.Select(shard => $"  shard {shard.Id}: {shard.Entities} entities"));
            lines.AddRange(node.Failed.Select(shard => $"  shard {shard}: did not answer in time"));
        }

        lines.Add($"Count: {s.ShardCount} shards, {s.EntityCount} entities on {s.Nodes.Count} nodes");
        return lines;
    }

    private static Command Entity(GlobalOptions globals, CliContext context)
    {
        var id = SessionIdArgument.Create();
        var command = new Command("entity", "Where a session's entity lives: its shard and the node that hosts it, and its agent process's node") { id };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return ClusterCommand.Answer(run, await client.ShardEntityAsync(run.Parse.GetValue(id)!, ct), e =>
            {
                var process = e.ProcessNode is null ? "no agent process recorded" : $"agent process on {e.ProcessNode}{(e.ProcessNodeId is null ? "" : $" (node id {e.ProcessNodeId})")}";
                return [$"session {e.Id}: region {e.Region}, shard {e.Shard}, on {e.Node ?? "no node yet"}; {process}"];
            });
        });
        return command;
    }
}
