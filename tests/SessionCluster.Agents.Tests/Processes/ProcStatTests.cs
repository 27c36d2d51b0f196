using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Processes;

public sealed class ProcStatTests
{
    [Fact]
    public void Fields_are_counted_after_the_last_parenthesis_of_the_command_name()
    {
        // A command name may hold spaces and ") (": only the last ')' ends it.
        var line = "4242 (evil) S 1 2 (x) R 17 3 4 5 6 0 0 0 0 0 0 0 0 0 20 0 1 0 987654 12345678 100 18446744073709551615";

        var stat = ProcStat.Parse(4242, line);

        Assert.Equal(new ProcStat(4242, 'R', 17, 3, 4, 987654), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 no-parenthesis S 1 2 3")]
    [InlineData("4242 (short) S 1 2 3")]
    public void What_is_not_a_stat_line_is_null(string line) => Assert.Null(ProcStat.Parse(4242, line));

    [Fact]
    public void A_process_reads_as_its_own_stat_and_a_later_one_started_no_earlier()
    {
        var self = ProcStat.Read(Environment.ProcessId)!;
        using var child = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            var stat = ProcStat.Read(child.Id)!;

            Assert.Equal((Environment.ProcessId, true), (self.Pid, self.IsAlive));
            Assert.Equal(Environment.ProcessId, stat.ParentPid);
            Assert.Equal(LiveProcesses.StartTime(child.Id), stat.StartTime);
            Assert.True(stat.StartTime >= self.StartTime, $"{stat.StartTime} < {self.StartTime}");
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void A_process_that_does_not_exist_has_no_stat() => Assert.Null(ProcStat.Read(int.MaxValue));
}
