using System.Diagnostics;
using System.Text;
using SessionCluster.Agents.Tests.Support;
using SessionCluster.Domain;
using SessionCluster.Testing;

namespace SessionCluster.Agents.Tests.Processes;

public sealed class AgentProcessTests
{
    [Fact]
    public async Task Stdout_comes_as_lines_however_it_is_written()
    {
        // Pieces of one line across writes, several lines in one write, a last line with no newline.
        await using var process = AgentProcess.Start(Shell.Script(
            "printf 'first pa'; sleep 0.05; printf 'rt\\nsecond\\nthird\\r\\n'; printf 'last'"));

        var lines = await ReadAllAsync(process);

        Assert.Equal([("first part", false), ("second", false), ("third\r", false), ("last", false)], lines);
        Assert.Equal(new ProcessExitStatus(0, null), await process.Exited.WaitAsync(Deadlines.Script));
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_cut_and_the_next_line_is_whole()
    {
        // 3 MiB without a newline against a 1 MiB limit: the reader must not hold the whole line.
        await using var process = AgentProcess.Start(
            Shell.Script("head -c 3145728 /dev/zero | tr '\\0' 'a'; printf '\\n{\"after\":1}\\nend\\n'"),
            maxLineBytes: 1024 * 1024);

        var lines = await ReadAllAsync(process);

        Assert.Equal(3, lines.Count);
        Assert.True(lines[0].Truncated);
        Assert.Equal(1024 * 1024, lines[0].Line.Length);
        Assert.Equal(("{\"after\":1}", false), lines[1]);
        Assert.Equal(("end", false), lines[2]);
    }

    [Fact]
    public async Task A_line_that_arrives_whole_but_too_long_is_cut_too()
    {
        await using var process = AgentProcess.Start(Shell.Script("printf '0123456789abcdef\\nok\\n'"), maxLineBytes: 10);

        Assert.Equal([("0123456789", true), ("ok", false)], await ReadAllAsync(process));
    }

    [Fact]
    public async Task Stdin_lines_are_written_and_closing_stdin_ends_a_reader()
    {
        await using var process = AgentProcess.Start(Shell.Script("cat", stdinLines: ["one", "twö"], keepStdinOpen: true));
        var reading = ReadAllAsync(process);

        await process.WriteLineAsync("three");
        process.CloseInput();

        Assert.Equal([("one", false), ("twö", false), ("three", false)], await reading);
        Assert.Equal(0, (await process.Exited.WaitAsync(Deadlines.Script)).ExitCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => process.WriteLineAsync("late"));
    }

    [Fact]
    public async Task Without_keep_open_stdin_closes_after_the_spec_lines()
    {
        await using var process = AgentProcess.Start(Shell.Script("cat; echo eof", stdinLines: ["only"]));

        Assert.Equal([("only", false), ("eof", false)], await ReadAllAsync(process));
    }

    [Fact]
    public async Task A_stdin_line_must_be_one_line()
    {
        await using var process = AgentProcess.Start(Shell.Script("cat", keepStdinOpen: true));
        await Assert.ThrowsAsync<ArgumentException>(() => process.WriteLineAsync("two\nlines"));
    }

    [Fact]
    public async Task Stderr_is_kept_as_a_bounded_tail()
    {
        await using var process = AgentProcess.Start(Shell.Script(
            "i=0; while [ $i -lt 2000 ]; do printf 'noise-%04d ' $i >&2; i=$((i+1)); done; printf 'THE END' >&2"));
        await ReadAllAsync(process);

        var tail = await process.StderrTailAfterAsync(Deadlines.Script);

        Assert.EndsWith("noise-1999 THE END", tail);
        Assert.InRange(tail.Length, ErrorContext.StderrTailChars, ErrorContext.StderrTailChars + 1024);
    }

    [Fact]
    public async Task The_environment_is_the_nodes_plus_the_specs()
    {
        var env = new Dictionary<string, string> { ["SESSIONCLUSTER_TEST_VALUE"] = "from spec", ["HOME"] = "/overridden" };
        await using var process = AgentProcess.Start(Shell.Script(
            "echo \"$SESSIONCLUSTER_TEST_VALUE|$HOME\"; [ -n \"$PATH\" ] && echo inherited-path", env: env));

        Assert.Equal([("from spec|/overridden", false), ("inherited-path", false)], await ReadAllAsync(process));
    }

    [Fact]
    public async Task It_runs_in_the_working_directory()
    {
        using var workdir = new TempDirectory();
        await using var process = AgentProcess.Start(Shell.Script("pwd -P", workdir: workdir.Path));

        Assert.Equal([(new DirectoryInfo(workdir.Path).ResolveLinkTarget(true)?.FullName ?? workdir.Path, false)], await ReadAllAsync(process));
    }

    [Fact]
    public async Task Arguments_reach_the_program_untouched_by_any_shell()
    {
        string[] arguments = ["a b", "$HOME", "'quoted'", "semi;colon", "*", ""];
        var spec = Shell.Script("for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done") with
        {
            Arguments = ["-c", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", "sh", .. arguments],
        };
        await using var process = AgentProcess.Start(spec);

        Assert.Equal(arguments.Select(a => ($"[{a}]", false)), await ReadAllAsync(process));
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 128", 128)]
    public async Task The_exit_code_is_reported(string script, int code)
    {
        await using var process = AgentProcess.Start(Shell.Script(script));
        Assert.Equal(new ProcessExitStatus(code, null), await process.Exited.WaitAsync(Deadlines.Script));
    }

    [Fact]
    public async Task Kill_ends_it_by_sigkill_at_once()
    {
        await using var process = AgentProcess.Start(Shell.Script("echo up; exec sleep 60"));
        await FirstLineAsync(process);

        process.Kill();

        Assert.Equal(new ProcessExitStatus(null, 9), await process.Exited.WaitAsync(Deadlines.Script));
    }

    [Fact]
    public async Task Kill_ends_the_processes_it_started_too()
    {
        await using var process = AgentProcess.Start(Shell.Script("sleep 60 & echo $!; wait"));
        var child = int.Parse(await FirstLineAsync(process));

        process.Kill();
        await process.Exited.WaitAsync(Deadlines.Script);

        // The child is gone, or a zombie until its parent's reaper runs: either way, not running.
        await WaitUntilAsync(() => !IsRunning(child), Deadlines.Script);
    }

    [Fact]
    public async Task Interrupt_sends_sigint_and_a_process_that_obeys_ends_by_it()
    {
        await using var process = AgentProcess.Start(Shell.Script("echo up; exec sleep 60"));
        await FirstLineAsync(process);
        var clock = Stopwatch.StartNew();

        process.Interrupt(TimeSpan.FromSeconds(30));

        Assert.Equal(new ProcessExitStatus(null, 2), await process.Exited.WaitAsync(Deadlines.Script));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Interrupt_kills_a_process_that_ignores_sigint_once_the_grace_is_over()
    {
        await using var process = AgentProcess.Start(Shell.Script("trap '' INT; echo up; while :; do sleep 0.05; done"));
        await FirstLineAsync(process);
        var grace = TimeSpan.FromMilliseconds(700);
        var clock = Stopwatch.StartNew();

        process.Interrupt(grace);
        var exit = await process.Exited.WaitAsync(Deadlines.Script);

        Assert.Equal(new ProcessExitStatus(null, 9), exit);
        Assert.True(clock.Elapsed >= grace, $"killed after {clock.Elapsed.TotalMilliseconds} ms, before the grace");
        Assert.True(clock.Elapsed < grace + TimeSpan.FromSeconds(5), $"killed only after {clock.Elapsed}");
    }

    [Fact]
    public async Task Stopping_a_process_that_has_ended_does_nothing()
    {
        await using var process = AgentProcess.Start(Shell.Script("exit 0"));
        await process.Exited.WaitAsync(Deadlines.Script);

        process.Interrupt(TimeSpan.Zero);
        process.Kill();
        process.CloseInput();

        Assert.Equal(new ProcessExitStatus(0, null), await process.Exited);
    }

    [Fact]
    public void A_missing_working_directory_is_bad_workdir()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}");
        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(Shell.Script("true", workdir: missing)));

        Assert.Equal(ErrorKind.BadWorkdir, e.Kind);
        Assert.Equal($"the working directory {missing} does not exist", e.Message);
    }

    [Fact]
    public void A_working_directory_that_is_a_file_is_bad_workdir()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("file");
        File.WriteAllText(file, "");

        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(Shell.Script("true", workdir: file)));

        Assert.Equal(ErrorKind.BadWorkdir, e.Kind);
        Assert.Contains("is a file, not a directory", e.Message);
    }

    [Fact]
    public void A_missing_program_is_agent_binary_missing()
    {
        var spec = Shell.Script("true") with { Executable = "/no/such/dir/claude" };
        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(spec));

        Assert.Equal(ErrorKind.AgentBinaryMissing, e.Kind);
        Assert.Equal("the agent program /no/such/dir/claude cannot be run: no such file", e.Message);
    }

    [Fact]
    public void A_program_on_no_directory_of_the_nodes_path_is_agent_binary_missing()
    {
        var spec = Shell.Script("true") with { Executable = $"agent-not-installed-{Guid.NewGuid():N}" };
        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(spec));

        Assert.Equal(ErrorKind.AgentBinaryMissing, e.Kind);
        Assert.Contains("not found on the node's PATH", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_executable_is_agent_binary_missing()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("claude");
        File.WriteAllText(file, "#!/bin/sh\n");

        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(Shell.Script("true") with { Executable = file }));

        Assert.Equal(ErrorKind.AgentBinaryMissing, e.Kind);
        Assert.Contains("it is not executable", e.Message);
    }

    [Fact]
    public void A_script_whose_interpreter_is_missing_is_agent_binary_missing()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("codex.js");
        File.WriteAllText(file, "#!/no/such/node\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var e = Assert.Throws<AgentStartException>(() => AgentProcess.Start(Shell.Script("true") with { Executable = file }));

        Assert.Equal(ErrorKind.AgentBinaryMissing, e.Kind);
        Assert.StartsWith($"the agent program {file} could not be started", e.Message);
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(1, 1, null)]
    [InlineData(128, 128, null)]
    [InlineData(130, null, 2)]
    [InlineData(137, null, 9)]
    [InlineData(143, null, 15)]
    [InlineData(192, null, 64)]
    [InlineData(193, 193, null)]
    [InlineData(255, 255, null)]
    public void Exit_codes_above_128_are_read_as_signals(int dotnetExitCode, int? exitCode, int? signal) =>
        Assert.Equal(new ProcessExitStatus(exitCode, signal), ProcessExitStatus.FromExitCode(dotnetExitCode));

    private static async Task<List<(string Line, bool Truncated)>> ReadAllAsync(AgentProcess process)
    {
        var lines = new List<(string, bool)>();
        await process.ReadOutputAsync((line, truncated) => lines.Add((Encoding.UTF8.GetString(line), truncated)))
            .WaitAsync(Deadlines.Script);
        return lines;
    }

    private static async Task<string> FirstLineAsync(AgentProcess process)
    {
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = process.ReadOutputAsync((line, _) => first.TrySetResult(Encoding.UTF8.GetString(line)));
        return await first.Task.WaitAsync(Deadlines.Script);
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            // Field 3 is the state; Z (zombie) and X (dead) are not running.
            var state = File.ReadAllText(stat).Split(") ")[1][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        // Polls /proc, which offers no notification; bounded by the deadline, not a guess.
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, "condition not met before the deadline");
            await Task.Delay(20);
        }
    }
}
