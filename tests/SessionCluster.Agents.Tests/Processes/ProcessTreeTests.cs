using System.Text;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Processes;

/// <summary>An agent runs in a session and process group of its own, and its stops reach everything it started.</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task An_agent_leads_a_process_group_and_a_session_of_its_own()
    {
        await using var process = AgentProcess.Start(Shell.Script("echo up; exec sleep 60"));
        await FirstLineAsync(process);

        var stat = ProcStat.Read(process.Pid)!;
        var node = ProcStat.Read(Environment.ProcessId)!;

        // setsid exec'd the agent in place: the pid is the agent's, and it leads both.
        Assert.Equal((process.Pid, process.Pid), (stat.ProcessGroup, stat.Session));
        Assert.NotEqual(node.Session, stat.Session);
        Assert.Equal(stat.StartTime, process.StartTime);
        Assert.Equal(new AgentTree(process.Pid, stat.StartTime, process.Tree.Mark), process.Tree);
    }

    [Fact]
    public async Task Interrupt_reaches_every_process_of_the_group_not_only_the_agent()
    {
        // The shell runs a trap after its foreground child ends: only a SIGINT to the group ends that sleep.
        // "up" is printed once that sleep runs (a SIGINT before it would reach only the shell, and the sleep would last).
        await using var process = AgentProcess.Start(Shell.Script(
            "trap ':' INT; (while ! pgrep -P $$ -x sleep > /dev/null; do sleep 0.01; done; echo up) & sleep 60; echo child-interrupted; exec sleep 60"));
        var lines = LinesOf(process);
        await lines.NextAsync();

        process.Interrupt(TimeSpan.FromSeconds(60));

        Assert.Equal("child-interrupted", await lines.NextAsync());
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task A_member_that_ignores_sigint_is_killed_even_when_the_agent_exited_first()
    {
        await using var process = AgentProcess.Start(Shell.Script(
            "(trap '' INT; exec sleep 60) & echo $!; trap 'exit 0' INT; while :; do sleep 0.05; done"));
        var member = int.Parse(await FirstLineAsync(process));

        process.Interrupt(TimeSpan.FromMilliseconds(500));

        Assert.Equal(new ProcessExitStatus(0, null), await process.Exited.WaitAsync(Deadlines.Script));
        await LiveProcesses.WaitUntilAsync(() => !LiveProcesses.IsRunning(member), Deadlines.Script, () => LiveProcesses.Describe(member));
    }

    [Fact]
    public async Task Kill_ends_a_grandchild_that_detached_into_a_session_of_its_own()
    {
        using var files = new TempDirectory();
        var pidFile = files.Combine("detached.pid");
        await using var process = AgentProcess.Start(Shell.Script(
            $"setsid -f sh -c 'echo $$ > {pidFile}; exec sleep 60'; while [ ! -s {pidFile} ]; do sleep 0.01; done; cat {pidFile}; exec sleep 60"));
        var detached = int.Parse(await FirstLineAsync(process));
        Assert.NotEqual(process.Pid, ProcStat.Read(detached)!.Session);

        process.Kill();

        Assert.Equal(new ProcessExitStatus(null, 9), await process.Exited.WaitAsync(Deadlines.Script));
        await LiveProcesses.WaitUntilAsync(() => !LiveProcesses.IsRunning(detached), Deadlines.Script, () => LiveProcesses.Describe(detached));
    }

    [Fact]
    public async Task What_an_agent_leaves_behind_is_killed_before_its_exit_is_reported()
    {
        using var files = new TempDirectory();
        var pidFile = files.Combine("detached.pid");
        await using var process = AgentProcess.Start(Shell.Script(
            $"sleep 60 & echo $!; setsid -f sh -c 'echo $$ > {pidFile}; exec sleep 60'; " +
            $"while [ ! -s {pidFile} ]; do sleep 0.01; done; cat {pidFile}"));
        var lines = LinesOf(process);
        int[] left = [int.Parse(await lines.NextAsync()), int.Parse(await lines.NextAsync())];

        Assert.Equal(new ProcessExitStatus(0, null), await process.Exited.WaitAsync(Deadlines.Script));

        // Exited completes after the leftovers were killed; SIGKILL may take a moment to land.
        await LiveProcesses.WaitUntilAsync(
            () => !left.Any(pid => LiveProcesses.IsRunning(pid)), TimeSpan.FromSeconds(2), () => string.Join(" | ", left.Select(LiveProcesses.Describe)));
    }

    [Fact]
    public async Task The_nodes_own_variables_never_reach_an_agent()
    {
        const string token = "SESSIONCLUSTER_API_TOKEN";
        const string nodeOnly = "SESSIONCLUSTER_TEST_NODE_ONLY";
        var before = (Environment.GetEnvironmentVariable(token), Environment.GetEnvironmentVariable(nodeOnly));
        Environment.SetEnvironmentVariable(token, "node-secret-token");
        Environment.SetEnvironmentVariable(nodeOnly, "node-only");
        try
        {
            var session = new Dictionary<string, string> { ["SESSIONCLUSTER_FROM_SESSION"] = "kept", [token] = "smuggled" };
            await using var process = AgentProcess.Start(Shell.Script(
                $"echo \"token=${{{token}-unset}} node=${{{nodeOnly}-unset}} session=$SESSIONCLUSTER_FROM_SESSION mark=${AgentTree.MarkVariable}\"",
                env: session));

            Assert.Equal($"token=unset node=unset session=kept mark={process.Tree.Mark}", await FirstLineAsync(process));
        }
        finally
        {
            Environment.SetEnvironmentVariable(token, before.Item1);
            Environment.SetEnvironmentVariable(nodeOnly, before.Item2);
        }
    }

    [Fact]
    public async Task A_path_in_the_sessions_env_reaches_the_agent_but_does_not_pick_the_program()
    {
        using var bin = new TempDirectory("impostor-bin");
        var impostor = bin.Combine("sh");
        File.WriteAllText(impostor, "#!/bin/sh\necho impostor\n");
        File.SetUnixFileMode(impostor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var sessionPath = $"{bin.Path}:/usr/bin:/bin";
        var spec = Shell.Script("echo \"real sh, PATH=$PATH\"", env: new Dictionary<string, string> { ["PATH"] = sessionPath }) with { Executable = "sh" };

        await using var process = AgentProcess.Start(spec);

        Assert.Equal($"real sh, PATH={sessionPath}", await FirstLineAsync(process));
    }

    private static async Task<string> FirstLineAsync(AgentProcess process) => await LinesOf(process).NextAsync();

    private static Lines LinesOf(AgentProcess process) => new(process);

    /// <summary>The process's stdout lines, awaited one at a time.</summary>
    private sealed class Lines
    {
        private readonly System.Threading.Channels.Channel<string> channel = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public Lines(AgentProcess process) =>
            _ = process.ReadOutputAsync((line, _) => channel.Writer.TryWrite(Encoding.UTF8.GetString(line)))
                .ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);

        public async Task<string> NextAsync() => await channel.Reader.ReadAsync().AsTask().WaitAsync(Deadlines.Script);
    }
}
