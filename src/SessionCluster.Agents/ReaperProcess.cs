using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SessionCluster.Agents;

/// <summary>
/// The node's end of its <see cref="AgentReaper"/>: starts the reaper process (in a session of its own), tells it
/// of every agent tree that starts and ends, and starts a new one, told of every live tree, if it dies while the
/// node lives. Only this node holds the write end of the reaper's stdin (pipes are close-on-exec), so the
/// reaper reads its end when the node's process ends.
/// </summary>
public sealed class ReaperProcess : IAgentTreeRegistry, IDisposable
{
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LivedLongEnough = TimeSpan.FromMinutes(1);

    // A .NET start on a loaded machine; the node does not run agents without a reaper that watches.
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(30);

    private readonly ReaperCommand command;
    private readonly Action<string> warn;
    private readonly Lock gate = new();
    private readonly Dictionary<int, AgentTree> live = [];
    private Process? process;
    private long startedAt;
    private TimeSpan restartDelay = FirstRestartDelay;
    private bool disposed;

    private ReaperProcess(ReaperCommand command, Action<string> warn)
    {
        this.command = command;
        this.warn = warn;
    }

    /// <summary>The reaper's pid; 0 while a new one is being started.</summary>
    public int Pid
    {
        get
        {
            lock (gate)
            {
                return process?.Id ?? 0;
            }
        }
    }

    /// <summary>Starts the reaper and returns once it watches (it has said <see cref="AgentReaper.Ready"/>).</summary>
    /// <param name="warn">Hears of a reaper that died and of its replacement.</param>
    /// <exception cref="AgentStartException">setsid is missing.</exception>
    /// <exception cref="Win32Exception">The reaper's program cannot be started.</exception>
    /// <exception cref="InvalidOperationException">The reaper did not say it was ready.</exception>
    public static ReaperProcess Start(ReaperCommand command, Action<string> warn)
    {
        var reaper = new ReaperProcess(command, warn);
        reaper.Install(reaper.Launch());
        return reaper;
    }

    public void Register(AgentTree tree)
    {
        lock (gate)
        {
            live[tree.Pid] = tree;
            Send(Added(tree));
        }
    }

    public void Unregister(AgentTree tree)
    {
        lock (gate)
        {
            if (live.Remove(tree.Pid))
            {
                Send($"- {tree.Pid}");
            }
        }
    }

    /// <summary>Closes the reaper's stdin: it kills whatever is still registered, then exits.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            try
            {
                process?.StandardInput.Close();
            }
            catch (IOException)
            {
                // The reaper is gone already.
            }
        }
    }

    private static string Added(AgentTree tree) => $"+ {tree.Pid} {tree.StartTime} {tree.Mark}";

    /// <summary>Starts a reaper process and waits until it watches.</summary>
    private Process Launch()
    {
        var info = new ProcessStartInfo(Setsid.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        info.ArgumentList.Add(command.Executable);
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // None of the node's settings (its API token least of all); one small heap is plenty for the reaper.
        foreach (var name in info.Environment.Keys.Where(n => n.StartsWith(ChildEnvironment.NodePrefix, StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_gcServer"] = "0";

        var started = Process.Start(info) ?? throw new InvalidOperationException($"the agent reaper {command.Executable} did not start");
        string? said;
        try
        {
            said = started.StandardOutput.ReadLineAsync().WaitAsync(ReadyDeadline).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            said = null;
        }

        if (said != AgentReaper.Ready)
        {
            started.Kill();
            started.Dispose();
            throw new InvalidOperationException(
                $"the agent reaper ({command.Executable} {string.Join(' ', command.Arguments)}) did not say it was ready within {ReadyDeadline.TotalSeconds} s");
        }

        return started;
    }

    /// <summary>Makes a reaper that watches the current one, and tells it of every live tree.</summary>
    private void Install(Process started)
    {
        lock (gate)
        {
            if (disposed)
            {
                started.StandardInput.Close();
                return;
            }

            process = started;
            startedAt = Stopwatch.GetTimestamp();
            started.EnableRaisingEvents = true;
            started.Exited += (_, _) => OnExited(started);
            foreach (var tree in live.Values)
            {
                Send(Added(tree));
            }
        }

        if (started.HasExited)
        {
            // It died before the handler was attached.
            OnExited(started);
        }
    }

    /// <summary>Under the gate.</summary>
    private void Send(string line)
    {
        if (process is null)
        {
            // Between a reaper's death and its replacement, which is told of every live tree.
            return;
        }

        try
        {
            process.StandardInput.Write(line + "\n");
            process.StandardInput.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The reaper died: its Exited handler starts the next one.
        }
    }

    private void OnExited(Process exited)
    {
        TimeSpan delay;
        lock (gate)
        {
            if (disposed || !ReferenceEquals(exited, process))
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(startedAt) > LivedLongEnough)
            {
                restartDelay = FirstRestartDelay;
            }

            delay = restartDelay;
            restartDelay = TimeSpan.FromTicks(Math.Min(restartDelay.Ticks * 2, MaxRestartDelay.Ticks));
            process = null;
            warn($"the agent reaper (pid {exited.Id}) exited with code {exited.ExitCode} while the node runs; a new one starts in {delay.TotalSeconds} s");
        }

        exited.Dispose();
        _ = RestartAfterAsync(delay);
    }

    private async Task RestartAfterAsync(TimeSpan delay)
    {
        while (true)
        {
            await Task.Delay(delay);
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }
            }

            try
            {
                var started = Launch();
                Install(started);
                warn($"a new agent reaper (pid {started.Id}) watches the node's {LiveCount} agent(s)");
                return;
            }
            catch (Exception e) when (e is Win32Exception or AgentStartException or InvalidOperationException)
            {
                lock (gate)
                {
                    delay = restartDelay;
                    restartDelay = TimeSpan.FromTicks(Math.Min(restartDelay.Ticks * 2, MaxRestartDelay.Ticks));
                }

                warn($"the agent reaper could not be started again: {e.Message}; trying again in {delay.TotalSeconds} s");
            }
        }
    }

    private int LiveCount
    {
        get
        {
            lock (gate)
            {
                return live.Count;
            }
        }
    }
}
