using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>cluster show | leader | unreachable | leave [&lt;address&gt;] | down &lt;address&gt; | down-unreachable</c>: Petabridge.Cmd's
/// cluster verbs over the node's API, printed as pbm prints them (one member a line, columns split by " | ").
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(GlobalOptions globals, CliContext context) =>
        new("cluster", "Cluster members, leader and reachability; leave and down (the Petabridge.Cmd verbs)")
        {
            Show(globals, context),
            Leader(globals, context),
            Unreachable(globals, context),
            Leave(globals, context),
            Down(globals, context),
            DownUnreachable(globals, context),
        };

    private static Command Show(GlobalOptions globals, CliContext context)
    {
        var command = new Command("show", "Every member: address | roles | status | reachability | version, then the count");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var cluster = await client.ClusterAsync(ct);
            if (run.Json)
            {
                run.WriteJson(cluster);
                return ExitCodes.Ok;
            }

            Write(run, MemberLines(cluster.Value.Members));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Leader(GlobalOptions globals, CliContext context)
    {
        var command = new Command("leader", "The cluster's leader, as the node sees it");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var cluster = await client.ClusterAsync(ct);
            if (run.Json)
            {
                run.WriteJson(cluster);
                return ExitCodes.Ok;
            }

            Write(run, [cluster.Value.Leader ?? "no leader (the cluster has not converged)"]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unreachable(GlobalOptions globals, CliContext context)
    {
        var command = new Command("unreachable", "The members the cluster's failure detectors cannot reach");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var cluster = await client.ClusterAsync(ct);
            if (run.Json)
            {
                run.WriteJson(cluster);
                return ExitCodes.Ok;
            }

            var unreachable = cluster.Value.Members.Where(m => !m.Reachable).ToList();
            Write(run, unreachable.Count == 0 ? ["no unreachable nodes"] : MemberLines(unreachable));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Leave(GlobalOptions globals, CliContext context)
    {
        var address = new Argument<string?>("address")
        {
            Description = "The member's Akka address (akka.ssl.tcp://sessioncluster@host:port) [default: the node sessionctl talks to]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("leave", "Ask a member to leave the cluster gracefully: its shards move, then it stops") { address };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var asked = await client.ClusterLeaveAsync(run.Parse.GetValue(address), ct);
            if (run.Json)
            {
                run.WriteJson(asked);
                return ExitCodes.Ok;
            }

            Write(run, asked.Value.Addresses.Select(a => $"asked {a} to leave the cluster").ToList());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Down(GlobalOptions globals, CliContext context)
    {
        var address = new Argument<string>("address") { Description = "The member's Akka address (akka.ssl.tcp://sessioncluster@host:port)" };
        var command = new Command("down", "Mark a member down: the cluster removes it without waiting for it (use on a dead node)") { address };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var downed = await client.ClusterDownAsync(run.Parse.GetValue(address)!, ct);
            if (run.Json)
            {
                run.WriteJson(downed);
                return ExitCodes.Ok;
            }

            Write(run, downed.Value.Addresses.Select(a => $"marked {a} down").ToList());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DownUnreachable(GlobalOptions globals, CliContext context)
    {
        var command = new Command("down-unreachable", "Mark every unreachable member down");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var downed = await client.ClusterDownUnreachableAsync(ct);
            if (run.Json)
            {
                run.WriteJson(downed);
                return ExitCodes.Ok;
            }

            var addresses = downed.Value.Addresses;
            Write(run, addresses.Count == 0 ? ["no unreachable nodes to down"] : [.. addresses.Select(a => $"marked {a} down"), $"Count: {addresses.Count} nodes"]);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>pbm's member table: a header, one member a line with its columns padded, then the count.</summary>
    internal static List<string> MemberLines(IReadOnlyList<ClusterMemberDto> members)
    {
        var rows = new List<string[]> { new[] { "ADDRESS", "ROLES", "STATUS", "REACHABILITY", "VERSION" } };
        rows.AddRange(members.Select(m => new[]
        {
            m.Address,
            $"[{string.Join(',', m.Roles)}]",
            m.Status,
            m.Reachable ? "reachable" : "unreachable",
            m.Version ?? "-",
        }));
        var widths = Enumerable.Range(0, 5).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var lines = rows.Select(r => string.Join(" | ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i])))).ToList();
        lines.Add($"Count: {members.Count} nodes");
        return lines;
    }

    /// <summary>Plain lines, never wrapped or styled: pbm's output, and what scripts cut up.</summary>
    internal static void Write(VerbRun run, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            run.Context.Out.WriteLine(line);
        }

        run.Context.Out.Flush();
    }
}
