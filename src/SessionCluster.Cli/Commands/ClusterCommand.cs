using System.CommandLine;
using SessionCluster.Contracts;

namespace SessionCluster.Cli.Commands;

/// <summary>
/// <c>cluster show | leader | unreachable | leave [&lt;address&gt;] | down &lt;address&gt; | down-unreachable | tail</c>: Petabridge.Cmd's
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
            Tail(globals, context),
        };

    private static Command Show(GlobalOptions globals, CliContext context)
    {
        var command = new Command("show", "Every member: address | roles | status | reachability | version, then the count");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return Answer(run, await client.ClusterAsync(ct), cluster => MemberLines(cluster.Members));
        });
        return command;
    }

    private static Command Leader(GlobalOptions globals, CliContext context)
    {
        var command = new Command("leader", "The cluster's leader, as the node sees it");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return Answer(run, await client.ClusterAsync(ct), cluster => [cluster.Leader ?? "no leader (the cluster has not converged)"]);
        });
        return command;
    }

    private static Command Unreachable(GlobalOptions globals, CliContext context)
    {
        var command = new Command("unreachable", "The members the cluster's failure detectors cannot reach");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return Answer(run, await client.ClusterAsync(ct), cluster =>
            {
                var unreachable = cluster.Members.Where(m => !m.Reachable).ToList();
                return unreachable.Count == 0 ? ["no unreachable nodes"] : MemberLines(unreachable);
            });
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
        var wait = new Option<bool>("--wait")
        {
            Description = "Return once the member has left (what a Kubernetes preStop hook needs), not once it was asked",
        };
        var command = new Command(
            "leave",
            "Ask a member to leave the cluster gracefully: it takes no new session, waits for its live ones (up to its drain timeout), then its shards move and it stops")
        {
            address, wait,
        };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            var asked = await client.ClusterLeaveAsync(run.Parse.GetValue(address), ct);
            var code = Answer(run, asked, LeaveLines);
            return run.Parse.GetValue(wait) ? await WaitUntilLeft(run, client, asked.Value, run.Parse.GetValue(address) is null, ct) : code;
        });
        return command;
    }

    private static IEnumerable<string> LeaveLines(ClusterActionDto asked)
    {
        foreach (var member in asked.Addresses)
        {
            if (asked.LiveSessions is not { } live || asked.LeavesBy is not { } by)
            {
                yield return $"asked {member} to leave the cluster";
                continue;
            }

            yield return live.Count == 0
                ? $"asked {member} to leave the cluster: no live session, it leaves now"
                : $"asked {member} to leave the cluster: it takes no new session and leaves once its {live.Count} live " +
                  $"session(s) have ended, by {by.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC at the latest (then they are interrupted)";
            if (live.Count > 0)
            {
                yield return $"live: {string.Join(", ", live)}";
            }
        }
    }

    /// <summary>
    /// Polls the members until the one asked to leave is gone (removed, or the node sessionctl talks to stopped after
    /// leaving itself), until its drain timeout and a minute more.
    /// </summary>
    private static async Task<int> WaitUntilLeft(VerbRun run, ApiClient client, ClusterActionDto asked, bool self, CancellationToken ct)
    {
        var member = asked.Addresses.Single();
        var deadline = (asked.LeavesBy ?? DateTimeOffset.UtcNow) + TimeSpan.FromMinutes(1);
        while (true)
        {
            string? status;
            try
            {
                var cluster = (await client.ClusterAsync(ct)).Value;
                self |= cluster.Self == member;
                status = cluster.Members.FirstOrDefault(m => m.Address == member)?.Status;
            }
            catch (CliFailure failure) when (failure.ExitCode == ExitCodes.Unreachable && self)
            {
                status = null; // the node that left was the one answering: it stopped once it had left
            }

            if (status is null or "removed")
            {
                if (!run.Json)
                {
                    Write(run, [$"{member} left the cluster"]);
                }

                return ExitCodes.Ok;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new CliFailure(ExitCodes.WaitTimedOut, $"{member} is still a member ({status}) a minute after its drain timeout");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static Command Down(GlobalOptions globals, CliContext context)
    {
        var address = new Argument<string>("address") { Description = "The member's Akka address (akka.ssl.tcp://sessioncluster@host:port)" };
        var command = new Command("down", "Mark a member down: the cluster removes it without waiting for it (use on a dead node)") { address };
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return Answer(run, await client.ClusterDownAsync(run.Parse.GetValue(address)!, ct),
                downed => downed.Addresses.Select(a => $"marked {a} down"));
        });
        return command;
    }

    private static Command DownUnreachable(GlobalOptions globals, CliContext context)
    {
        var command = new Command("down-unreachable", "Mark every unreachable member down");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return Answer(run, await client.ClusterDownUnreachableAsync(ct), downed => downed.Addresses.Count == 0
                ? ["no unreachable nodes to down"]
                : [.. downed.Addresses.Select(a => $"marked {a} down"), $"Count: {downed.Addresses.Count} nodes"]);
        });
        return command;
    }

    private static Command Tail(GlobalOptions globals, CliContext context)
    {
        var command = new Command("tail", "Follow the member events live (the members first, then each change) until Ctrl+C");
        command.SetBody(globals, context, async (run, ct) =>
        {
            using var client = run.CreateClient();
            return await new ClusterTail(client, context, run.Json).RunAsync(ct);
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

    /// <summary>The node's answer as it came with --json, else its plain lines; exit 0.</summary>
    internal static int Answer<T>(VerbRun run, ApiResponse<T> answer, Func<T, IEnumerable<string>> lines) where T : class
    {
        if (run.Json)
        {
            run.WriteJson(answer);
        }
        else
        {
            Write(run, lines(answer.Value));
        }

        return ExitCodes.Ok;
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
