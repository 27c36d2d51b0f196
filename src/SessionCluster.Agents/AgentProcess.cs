using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// One agent OS process: started without a shell in a session and process group of its own, stdout read as
/// bounded lines, stderr kept as a bounded tail, stdin written line by line, stopped by SIGINT to its group
/// (then SIGKILL to its whole <see cref="AgentTree"/> after a grace) or SIGKILL to its tree. Whatever is left of
/// the tree when the process exits is killed before <see cref="Exited"/> completes.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    public const int DefaultMaxLineBytes = 8 * 1024 * 1024;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process process;
    private readonly IAgentTreeRegistry registry;
    private readonly int maxLineBytes;
    private readonly Stream stdin;
    private readonly SemaphoreSlim stdinGate = new(1, 1);
    // A little more than is reported, so a secret cut by the tail's edge is still whole when it is redacted.
    private readonly TextTail stderr = new(ErrorContext.StderrTailChars + 1024);
    private readonly Task stderrDrained;
    private Task initialInput = Task.CompletedTask;
    private int outputTaken;
    private volatile bool inputClosed;

    private AgentProcess(Process process, AgentTree tree, IAgentTreeRegistry registry, int maxLineBytes)
    {
        this.process = process;
        this.registry = registry;
        this.maxLineBytes = maxLineBytes;
        Tree = tree;
        stdin = process.StandardInput.BaseStream;
        stderrDrained = PumpStderrAsync();
        Exited = WaitForExitAsync();
    }

    public int Pid => Tree.Pid;

    /// <summary>The process's start time (clock ticks after boot, <c>/proc/&lt;pid&gt;/stat</c> field 22): with the pid, its identity.</summary>
    public long StartTime => Tree.StartTime;

    /// <summary>The process and everything it starts.</summary>
    public AgentTree Tree { get; }

    /// <summary>Completes when the process has ended.</summary>
    public Task<ProcessExitStatus> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    /// <summary>The end of what the process wrote to stderr (somewhat more than <see cref="ErrorContext.StderrTailChars"/>).</summary>
    public string StderrTail => stderr.ToString();

    /// <summary>Starts the process, registers its tree and writes the spec's stdin lines.</summary>
    /// <param name="registry">Told when the process starts and when nothing of its tree is left; none when null.</param>
    /// <exception cref="AgentStartException">The program or the working directory is missing or unusable.</exception>
    public static AgentProcess Start(AgentProcessSpec spec, int maxLineBytes = DefaultMaxLineBytes, IAgentTreeRegistry? registry = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        registry ??= AgentTreeRegistry.None;
        LaunchChecks.Workdir(spec.WorkingDirectory);
        var executable = LaunchChecks.Executable(spec.Executable);
        LaunchChecks.Interpreter(executable);

        // setsid execs the agent in place (see Setsid): no shell, and the pid is the agent's.
        var startInfo = new ProcessStartInfo(Setsid.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory,
            StandardInputEncoding = Utf8NoBom,
            StandardErrorEncoding = Utf8NoBom,
        };
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // startInfo.Environment starts as this process's own.
        var mark = AgentTree.NewMark();
        ChildEnvironment.Apply(startInfo.Environment, spec.Environment, mark);

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new AgentStartException(ErrorKind.AgentBinaryMissing, $"the agent program {spec.Executable} did not start");
        }
        catch (Win32Exception e)
        {
            // Checked above, so this is the program itself refusing to run (bad format, missing interpreter).
            throw new AgentStartException(ErrorKind.AgentBinaryMissing, $"the agent program {spec.Executable} could not be started: {e.Message}", e);
        }

        // Read at once: the start time is what tells this process from a later one with the same pid.
        var tree = new AgentTree(process.Id, ProcStat.Read(process.Id)?.StartTime ?? 0, mark);
        try
        {
            registry.Register(tree);
        }
        catch
        {
            // Unregistered, it could outlive a node that dies: it must not run.
            tree.KillRound();
            throw;
        }

        var agent = new AgentProcess(process, tree, registry, maxLineBytes);
        agent.initialInput = agent.WriteInitialInputAsync(spec);
        return agent;
    }

    /// <summary>
    /// Reads stdout to its end, one line at a time. Memory stays bounded: a line longer than the limit is
    /// handed over truncated (once) and the rest of it is skipped. Call once.
    /// </summary>
    public async Task ReadOutputAsync(OutputLineHandler onLine, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref outputTaken, 1) == 1)
        {
            throw new InvalidOperationException("the output of an agent process can be read only once");
        }

        var reader = PipeReader.Create(
            process.StandardOutput.BaseStream,
            new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var skippingRestOfLongLine = false;

        // How much of the pending (newline-less) start of the buffer was searched already: a long line arriving in
        // many reads is searched once, not once per read.
        long searched = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (buffer.Slice(searched).PositionOf((byte)'\n') is { } newline)
                {
                    var line = buffer.Slice(0, newline);
                    buffer = buffer.Slice(buffer.GetPosition(1, newline));
                    searched = 0;
                    if (skippingRestOfLongLine)
                    {
                        skippingRestOfLongLine = false;
                        continue;
                    }

                    Deliver(line, onLine);
                }

                if (!skippingRestOfLongLine && buffer.Length > maxLineBytes)
                {
                    Deliver(buffer.Slice(0, maxLineBytes), onLine, truncated: true);
                    skippingRestOfLongLine = true;
                }

                if (skippingRestOfLongLine)
                {
                    buffer = buffer.Slice(buffer.End);
                }

                searched = buffer.Length;
                if (result.IsCompleted)
                {
                    if (!skippingRestOfLongLine && buffer.Length > 0)
                    {
                        Deliver(buffer, onLine);
                    }

                    reader.AdvanceTo(buffer.End);
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>Writes one line (a newline is added) to the process's stdin.</summary>
    /// <exception cref="InvalidOperationException">Stdin is closed.</exception>
    /// <exception cref="IOException">The process no longer reads its stdin (it has exited).</exception>
    public async Task WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        if (line.Contains('\n'))
        {
            throw new ArgumentException("a stdin line must not contain a newline", nameof(line));
        }

        var bytes = Utf8NoBom.GetBytes(line + "\n");
        await stdinGate.WaitAsync(cancellationToken);
        try
        {
            if (inputClosed)
            {
                throw new InvalidOperationException("the agent's stdin is closed");
            }

            await stdin.WriteAsync(bytes, cancellationToken);
            await stdin.FlushAsync(cancellationToken);
        }
        finally
        {
            stdinGate.Release();
        }
    }

    /// <summary>Closes stdin once any write in progress is done. Safe to call more than once.</summary>
    public void CloseInput()
    {
        if (inputClosed)
        {
            return;
        }

        inputClosed = true;
        _ = CloseInputWhenIdleAsync();
    }

    /// <summary>SIGINT to the process group now; SIGKILL to the whole tree if any of it is alive after <paramref name="grace"/>.</summary>
    public void Interrupt(TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }

        Tree.SignalGroup(Libc.SigInt);
        _ = KillAfterAsync(grace);
    }

    /// <summary>SIGKILL now, to the process and every process of its tree.</summary>
    public void Kill()
    {
        if (HasExited)
        {
            // Nothing of the tree was left when the exit was reported.
            return;
        }

        if (Tree.KillRound())
        {
            // Processes forked meanwhile are chased in the background.
            _ = Tree.KillAsync(AgentTree.KillDeadline);
        }
    }

    /// <summary>Waits (at most <paramref name="wait"/>) for stderr to reach its end, then returns its tail.</summary>
    public async Task<string> StderrTailAfterAsync(TimeSpan wait)
    {
        await Task.WhenAny(stderrDrained, Task.Delay(wait));
        return StderrTail;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
        await initialInput;
        CloseInput();
        process.Dispose();
        stdinGate.Dispose();
    }

    private void Deliver(ReadOnlySequence<byte> line, OutputLineHandler onLine, bool truncated = false)
    {
        if (line.Length > maxLineBytes)
        {
            line = line.Slice(0, maxLineBytes);
            truncated = true;
        }

        if (line.IsSingleSegment)
        {
            onLine(line.FirstSpan, truncated);
            return;
        }

        var length = (int)line.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            onLine(rented.AsSpan(0, length), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task WriteInitialInputAsync(AgentProcessSpec spec)
    {
        try
        {
            foreach (var line in spec.StdinLines)
            {
                await WriteLineAsync(line);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The process died before it read its input; its exit says why.
        }

        if (!spec.KeepStdinOpen)
        {
            CloseInput();
        }
    }

    private async Task CloseInputWhenIdleAsync()
    {
        await stdinGate.WaitAsync();
        try
        {
            await stdin.DisposeAsync();
        }
        catch (IOException)
        {
            // The reader is gone already: closed either way.
        }
        finally
        {
            stdinGate.Release();
        }
    }

    private async Task KillAfterAsync(TimeSpan grace)
    {
        // Once the process has exited its leftovers are killed anyway (see WaitForExitAsync).
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            Kill();
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
            {
                stderr.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe broke: the tail keeps what came before.
        }
    }

    private async Task<ProcessExitStatus> WaitForExitAsync()
    {
        await process.WaitForExitAsync();
        var status = ProcessExitStatus.FromExitCode(process.ExitCode);

        // No agent outlives its own process: what it left (its group, tool commands in sessions of their own,
        // detached daemons) is killed before the exit is reported.
        await Tree.KillAsync(AgentTree.KillDeadline);
        registry.Unregister(Tree);
        return status;
    }
}
