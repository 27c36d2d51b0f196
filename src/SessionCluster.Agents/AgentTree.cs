namespace SessionCluster.Agents;

/// <summary>
/// An agent process and every process it started, wherever they went: its process group and session (the agent
/// leads both), the descendants of its members, and every process whose environment carries the agent's
/// <see cref="Mark"/>. The mark matters: claude's Bash tool runs each command in a session of its own, and a
/// command may detach further (<c>setsid</c>, a double fork), out of reach of both the group and the parent links.
/// </summary>
/// <param name="Pid">The agent's pid, which is also its process group and session id.</param>
/// <param name="StartTime">The agent's start time from <c>/proc/&lt;pid&gt;/stat</c>; 0 when it could not be read.</param>
/// <param name="Mark">The value of <see cref="MarkVariable"/> in the agent's environment, unique per agent process.</param>
public sealed record AgentTree(int Pid, long StartTime, string Mark)
{
    /// <summary>Set in every agent's environment; inherited by whatever it starts.</summary>
    public const string MarkVariable = "SESSIONCLUSTER_AGENT_MARK";

    /// <summary>How long stragglers (processes started while the tree was being killed) are chased.</summary>
    public static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(5);

    public static string NewMark() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Ends what is left of an agent a previous run of the node started: only when the process at
    /// <paramref name="pid"/> still has <paramref name="startTime"/> (else the pid was reused) and carries an
    /// agent's mark (start times count from boot: after a reboot another program may match by chance).
    /// </summary>
    /// <returns>Whether the agent was found and killed.</returns>
    public static bool KillLeftover(int pid, long startTime)
    {
        if (startTime <= 0 || ProcStat.Read(pid) is not { } leader || leader.StartTime != startTime
            || ProcTable.Variable(pid, MarkVariable) is not { Length: > 0 } mark)
        {
            return false;
        }

        // Its mark finds what it started outside its group.
        var tree = new AgentTree(pid, startTime, mark);
        tree.KillRound();
        _ = tree.KillAsync(KillDeadline);
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to the agent's process group (to the agent alone while it has none yet).</summary>
    public void SignalGroup(int signal)
    {
        if (!Libc.SendToGroup(Pid, signal) && LeaderIsThisAgent(ProcStat.Read(Pid)))
        {
            // Started a moment ago: setsid has not made the group yet.
            Libc.Send(Pid, signal);
        }
    }

    /// <summary>SIGKILL to every live process of the tree, now.</summary>
    /// <returns>Whether anything of it was alive.</returns>
    public bool KillRound() => KillRound([this]).Count > 0;

    /// <summary>Kills the tree in rounds until nothing of it is alive (a process may fork while it is killed).</summary>
    /// <returns>False when something still lived at the deadline (a process stuck in the kernel).</returns>
    public Task<bool> KillAsync(TimeSpan deadline) => KillAllAsync([this], deadline);

    /// <summary>
    /// SIGKILL to every live process of these trees, from one look at <c>/proc</c> (a reaper may hold hundreds).
    /// </summary>
    /// <returns>The trees that still had live processes.</returns>
    public static IReadOnlyList<AgentTree> KillRound(IReadOnlyCollection<AgentTree> trees)
    {
        var table = ProcTable.Snapshot();
        var found = new List<AgentTree>();
        foreach (var tree in trees)
        {
            var members = tree.Members(table, out var groupIsOurs);
            if (groupIsOurs)
            {
                // Also catches a member forked after the snapshot was taken.
                Libc.SendToGroup(tree.Pid, Libc.SigKill);
            }

            foreach (var member in members)
            {
                Libc.Send(member.Pid, Libc.SigKill);
            }

            if (members.Count > 0)
            {
                found.Add(tree);
            }
        }

        return found;
    }

    /// <summary>Kills these trees in rounds until nothing of them is alive, or the deadline.</summary>
    /// <returns>False when something still lived at the deadline.</returns>
    public static async Task<bool> KillAllAsync(IReadOnlyCollection<AgentTree> trees, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var alive = trees; (alive = KillRound(alive)).Count > 0;)
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            // SIGKILL takes effect asynchronously: a killed process shows as alive until it has exited.
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        return true;
    }

    private bool LeaderIsThisAgent(ProcStat? leader) => leader is not null && StartTime > 0 && leader.StartTime == StartTime;

    private List<ProcStat> Members(ProcTable table, out bool groupIsOurs)
    {
        var all = table.All;
        var leader = all.Find(p => p.Pid == Pid);

        // Linux gives no new process a pid still used as a group or session id: while the leader is gone but a
        // member lives, the group can only be this agent's. A leader with another start time is a reused pid.
        groupIsOurs = leader is null || LeaderIsThisAgent(leader);
        var self = Environment.ProcessId;
        var members = new Dictionary<int, ProcStat>();
        foreach (var process in all)
        {
            // Whatever the agent started, started after it.
            if (process.Pid == self || process.StartTime < StartTime)
            {
                continue;
            }

            var inGroup = groupIsOurs && (process.Pid == Pid || process.ProcessGroup == Pid || process.Session == Pid);
            if (inGroup || (Mark.Length > 0 && table.MarkOf(process.Pid) == Mark))
            {
                members[process.Pid] = process;
            }
        }

        // Descendants that left the group and dropped the mark (a program that clears its environment).
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in all)
            {
                if (process.Pid != self && !members.ContainsKey(process.Pid) && members.ContainsKey(process.ParentPid))
                {
                    members[process.Pid] = process;
                    added = true;
                }
            }
        }

        return members.Values.Where(p => p.IsAlive).ToList();
    }
}
