using System.IO.Pipes;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Processes;

/// <summary>
/// The reaper kills the agents still registered when its stdin ends: what happens when the node that holds
/// the other end dies (the kernel closes it) or stops.
/// </summary>
public sealed class AgentReaperTests
{
    [Fact]
    public async Task When_its_input_ends_every_registered_tree_is_killed_and_no_other()
    {
        using var first = await StrayTree.StartAsync();
        using var second = await StrayTree.StartAsync();
        using var unregistered = await StrayTree.StartAsync();
        using var node = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, node.ClientSafePipeHandle));
        var log = new StringWriter();
        var watching = new AgentReaper(log).WatchAsync(reader);
        await using (var writer = new StreamWriter(node) { AutoFlush = true })
        {
            await writer.WriteAsync(
                $"{Added(first.Tree)}\n{Added(unregistered.Tree)}\n{Added(second.Tree)}\n- {unregistered.Tree.Pid}\n");

            // The pipe stays open: nothing happens yet.
            await first.AssertStillRunningAsync();
        }

        Assert.Equal(2, await watching.WaitAsync(Deadlines.Script));
        await first.WaitUntilGoneAsync(Deadlines.Script);
        await second.WaitUntilGoneAsync(Deadlines.Script);
        await unregistered.AssertStillRunningAsync();
        Assert.Contains($"killed what was left of agent {first.Tree.Pid}", log.ToString());
        Assert.Contains($"killed what was left of agent {second.Tree.Pid}", log.ToString());
    }

    [Fact]
    public async Task A_registered_pid_now_held_by_another_process_is_left_alone()
    {
        using var stray = await StrayTree.StartAsync();
        var reaper = new AgentReaper(TextWriter.Null);

        // The agent ended and its pid went to another process (another start time, no mark of that agent).
        reaper.Apply($"+ {stray.Tree.Pid} {stray.Tree.StartTime - 1} {AgentTree.NewMark()}");

        Assert.Equal(0, await reaper.KillRegisteredAsync());
        await stray.AssertStillRunningAsync();
    }

    [Theory]
    [InlineData("+ 1 100 mark")]
    [InlineData("+ -5 100 mark")]
    [InlineData("+ abc 100 mark")]
    [InlineData("+ 42 100")]
    [InlineData("kill everything")]
    public void Lines_it_does_not_understand_register_nothing(string line)
    {
        var log = new StringWriter();
        var reaper = new AgentReaper(log);

        reaper.Apply(line);

        Assert.Empty(reaper.Registered);
        Assert.Contains("ignored a line it does not understand", log.ToString());
    }

    [Fact]
    public async Task The_reaper_process_kills_registered_trees_when_the_node_closes_its_stdin()
    {
        using var stray = await StrayTree.StartAsync();
        var reaper = ReaperProcess.Start(RealReaper(), _ => { });
        var pid = reaper.Pid;
        reaper.Register(stray.Tree);

        // Ctrl-C of the node's terminal, a SIGTERM to its cgroup: the reaper stays until its stdin ends.
        foreach (var signal in new[] { 2, 15, 1 })
        {
            SendSignal(pid, signal);
        }

        await stray.AssertStillRunningAsync();
        Assert.True(LiveProcesses.IsRunning(pid), "the reaper died of a stop signal");

        reaper.Dispose();

        await stray.WaitUntilGoneAsync(Deadlines.Script);
        await LiveProcesses.WaitUntilAsync(() => !LiveProcesses.IsRunning(pid), Deadlines.Script, () => "the reaper did not exit");
    }

    [Fact]
    public async Task A_reaper_that_dies_is_replaced_and_told_of_every_live_tree()
    {
        using var stray = await StrayTree.StartAsync();
        var warnings = new List<string>();
        var reaper = ReaperProcess.Start(RealReaper(), message => { lock (warnings) { warnings.Add(message); } });
        var first = reaper.Pid;
        reaper.Register(stray.Tree);

        SendSignal(first, 9);
        await LiveProcesses.WaitUntilAsync(() => reaper.Pid != 0 && reaper.Pid != first, Deadlines.Script, () => "no new reaper");

        Assert.NotEqual(first, reaper.Pid);
        reaper.Dispose();
        await stray.WaitUntilGoneAsync(Deadlines.Script);
        lock (warnings)
        {
            Assert.Contains(warnings, w => w.Contains($"the agent reaper (pid {first}) exited"));
            Assert.Contains(warnings, w => w.Contains("watches the node's 1 agent(s)"));
        }
    }

    private static string Added(AgentTree tree) => $"+ {tree.Pid} {tree.StartTime} {tree.Mark}";

    /// <summary>The node's own reaper verb, as the node runs it.</summary>
    private static ReaperCommand RealReaper() => new("dotnet", [BuiltPrograms.NodeDll, AgentReaper.Verb]);

    private static void SendSignal(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
