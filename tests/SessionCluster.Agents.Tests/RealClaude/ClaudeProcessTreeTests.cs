using SessionCluster.Agents.Tests.Support;
using SessionCluster.Testing;
using static SessionCluster.Testing.ModelReply;

namespace SessionCluster.Agents.Tests.RealClaude;

/// <summary>
/// The real claude stopped while its Bash tool runs ten-minute commands: one in the tool's foreground, one
/// detached into a session of its own. Claude 2.1.328 runs each Bash command in a session of its own and
/// kills that session's processes itself on SIGINT, but nothing of claude reaches a command that detached;
/// after a SIGKILL of claude even the foreground one lives on, orphaned.
/// </summary>
public sealed class ClaudeProcessTreeTests
{
    [Fact]
    public async Task An_interrupt_ends_every_command_its_bash_tool_started()
    {
        var tag = $"tool-{Guid.NewGuid():N}";
        await using var server = await ScriptedModelServer.StartAsync(ToolUse("Bash", SleepingCommands(tag)));
        using var rig = new ClaudeRig();
        var options = AgentRunOptions.Default with { InterruptGrace = TimeSpan.FromSeconds(20) };

        await using var run = AgentRun.Start(
            ClaudeRig.Driver("--allowedTools", "Bash"), rig.Request("Sleep", rig.Env(server.BaseUrl), multiTurn: true), options, rig.Listener);
        await WaitForBothCommandsAsync(tag, rig);
        var claude = ProcStat.Read(run.Pid)!;
        Assert.Equal((run.Pid, run.Pid), (claude.ProcessGroup, claude.Session));

        run.Interrupt();
        await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        await NothingLeftAsync(tag);
    }

    [Fact]
    public async Task A_kill_ends_every_command_its_bash_tool_started()
    {
        var tag = $"tool-{Guid.NewGuid():N}";
        await using var server = await ScriptedModelServer.StartAsync(ToolUse("Bash", SleepingCommands(tag)));
        using var rig = new ClaudeRig();

        await using var run = AgentRun.Start(
            ClaudeRig.Driver("--allowedTools", "Bash"), rig.Request("Sleep", rig.Env(server.BaseUrl), multiTurn: true), AgentRunOptions.Default, rig.Listener);
        await WaitForBothCommandsAsync(tag, rig);

        run.Kill();
        var exit = await rig.Listener.WaitForExitAsync(Deadlines.Agent);

        Assert.Equal(9, exit.Signal);
        await NothingLeftAsync(tag);
    }

    /// <summary>
    /// Ten-minute sleeps tagged by an argument (python, as claude's Bash tool refuses a plain <c>sleep 600</c>):
    /// the first detached by <c>setsid -f</c>, the second in the tool's foreground.
    /// </summary>
    private static object SleepingCommands(string tag) => new
    {
        command = $"setsid -f python3 -c 'import time; time.sleep(600)' detached-{tag}; python3 -c 'import time; time.sleep(600)' foreground-{tag}",
        description = "Sleep for ten minutes",
    };

    private static Task WaitForBothCommandsAsync(string tag, ClaudeRig rig) =>
        LiveProcesses.WaitUntilAsync(
            () => Python($"detached-{tag}").Count > 0 && Python($"foreground-{tag}").Count > 0,
            Deadlines.Agent,
            () => $"the tool's commands did not start; the run reported: {string.Join(" | ", rig.Listener.Calls)}");

    private static Task NothingLeftAsync(string tag) =>
        LiveProcesses.WaitUntilAsync(
            () => LiveProcesses.WithArgument(tag).Count == 0,
            TimeSpan.FromSeconds(10),
            () => $"still running: {string.Join(" | ", LiveProcesses.WithArgument(tag))}");

    /// <summary>The python processes themselves (the tool's shell and a pyenv shim carry the tag too).</summary>
    private static IReadOnlyList<string> Python(string argument) =>
        LiveProcesses.WithArgument(argument).Where(p => p.Split(' ')[1].Contains("python", StringComparison.Ordinal)).ToList();
}
