using SessionCluster.Agents.Tests.Support;

namespace SessionCluster.Agents.Tests.Processes;

/// <summary>A restarted node ends the agents it recorded (pid and start time), and never a process that reused a pid.</summary>
public sealed class KillLeftoverTests
{
    [Fact]
    public async Task A_leftover_whose_start_time_matches_is_killed_with_all_it_started()
    {
        using var stray = await StrayTree.StartAsync();

        Assert.True(AgentTree.KillLeftover(stray.Tree.Pid, stray.Tree.StartTime));

        // The detached grandchild is found by the mark the leader's environment carries.
        await stray.WaitUntilGoneAsync(Deadlines.Script);
    }

    [Fact]
    public async Task A_process_with_the_recorded_pid_but_another_start_time_is_left_alone()
    {
        using var stray = await StrayTree.StartAsync();

        // As if the recorded agent died and its pid went to this process.
        Assert.False(AgentTree.KillLeftover(stray.Tree.Pid, stray.Tree.StartTime - 1));

        await stray.AssertStillRunningAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task An_unknown_start_time_is_never_taken_for_a_match(long startTime)
    {
        using var stray = await StrayTree.StartAsync();

        Assert.False(AgentTree.KillLeftover(stray.Tree.Pid, startTime));

        await stray.AssertStillRunningAsync();
    }

    [Fact]
    public async Task A_process_that_is_no_agent_is_left_alone_even_when_its_start_time_matches()
    {
        // After a reboot start times count from zero again: pid and start time may match another program.
        using var other = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            Assert.False(AgentTree.KillLeftover(other.Id, ProcStat.Read(other.Id)!.StartTime));

            Assert.False(other.WaitForExit(TimeSpan.FromMilliseconds(500)), "it was killed");
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public void A_pid_no_process_has_is_nothing_to_kill() => Assert.False(AgentTree.KillLeftover(int.MaxValue, 12345));
}
