using System.Diagnostics;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Support;

/// <summary>
/// A process tree started the way an agent is (its own session, a mark in its environment) but owned by no
/// <see cref="AgentProcess"/>: what a node that died left behind. The leader prints the pids of its group member
/// and of a grandchild that detached into a session of its own, then waits.
/// </summary>
public sealed class StrayTree : IDisposable
{
    private readonly Process leader;

    private StrayTree(Process leader, AgentTree tree, int member, int detached)
    {
        this.leader = leader;
        Tree = tree;
        Member = member;
        Detached = detached;
    }

    public AgentTree Tree { get; }

    public int Member { get; }

    public int Detached { get; }

    /// <summary>Leader, member and detached grandchild.</summary>
    public IReadOnlyList<int> Pids => [Tree.Pid, Member, Detached];

    public IReadOnlyList<int> Running => Pids.Where(pid => LiveProcesses.IsRunning(pid)).ToList();

    public static async Task<StrayTree> StartAsync()
    {
        using var files = new TempDirectory("stray");
        var info = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(
            "sleep 300 & echo $!; " +
            "setsid -f sh -c 'echo $$ > \"$0\"; exec sleep 300' \"$1\"; " +
            "while [ ! -s \"$1\" ]; do sleep 0.01; done; cat \"$1\"; exec sleep 300");
        info.ArgumentList.Add("stray");
        info.ArgumentList.Add(files.Combine("detached.pid"));
        var mark = AgentTree.NewMark();
        info.Environment[AgentTree.MarkVariable] = mark;
        var leader = Process.Start(info)!;
        var member = int.Parse(await leader.StandardOutput.ReadLineAsync().WaitAsync(Deadlines.Script) ?? "0");
        var detached = int.Parse(await leader.StandardOutput.ReadLineAsync().WaitAsync(Deadlines.Script) ?? "0");
        var tree = new AgentTree(leader.Id, ProcStat.Read(leader.Id)!.StartTime, mark);
        return new StrayTree(leader, tree, member, detached);
    }

    public Task WaitUntilGoneAsync(TimeSpan timeout) =>
        LiveProcesses.WaitUntilAsync(() => Running.Count == 0, timeout, () => $"still running: {string.Join(" | ", Running.Select(LiveProcesses.Describe))}");

    /// <summary>
    /// Asserts that nothing of the tree dies for a while: a SIGKILL sent in error takes effect within
    /// milliseconds, so half a second without a death shows none was sent.
    /// </summary>
    public async Task AssertStillRunningAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(500))
        {
            Assert.Equal(Pids, Running);
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        foreach (var pid in Running)
        {
            Process.GetProcessById(pid).Kill();
        }

        leader.Dispose();
    }
}
