using System.Collections.Concurrent;
using System.Text;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// A session's agent at work: starts its process, reads what it says, applies the run's rules (single-turn
/// agents get their stdin closed after the first result; refused credentials stop the agent at once; failures
/// are remembered and reported with the exit) and reports everything to an <see cref="IAgentRunListener"/>.
/// </summary>
public sealed class AgentRun : IAsyncDisposable
{
    /// <summary>How long the output may go on after the process ended (a child it left may hold stdout open).</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(2);

    private readonly IAgentDriver driver;
    private readonly AgentLaunchRequest request;
    private readonly AgentRunOptions options;
    private readonly IAgentRunListener listener;
    private volatile Running current = null!;
    private volatile bool stopRequested;
    private volatile string? agentSessionId;

    private AgentRun(IAgentDriver driver, AgentLaunchRequest request, AgentRunOptions options, IAgentRunListener listener)
    {
        this.driver = driver;
        this.request = request;
        this.options = options;
        this.listener = listener;
    }

    /// <summary>The current agent process's id.</summary>
    public int Pid => current.Process.Pid;

    /// <summary>The current agent process's start time (see <see cref="AgentProcess.StartTime"/>).</summary>
    public long StartTime => current.Process.StartTime;

    /// <summary>Completes once the current process has ended and its exit has been reported.</summary>
    public Task Completion => current.Pump;

    /// <exception cref="AgentStartException">The agent could not be started (program or working directory).</exception>
    public static AgentRun Start(IAgentDriver driver, AgentLaunchRequest request, AgentRunOptions options, IAgentRunListener listener)
    {
        var run = new AgentRun(driver, request, options, listener);
        run.current = run.Launch(driver.Launch(request));
        return run;
    }

    /// <summary>Sends the next turn: a stdin line to the live process, or a new process, as the driver says.</summary>
    /// <exception cref="InvalidOperationException">The agent cannot take input now (its process has exited, or is still busy).</exception>
    public async Task RespondAsync(string message)
    {
        var running = current;
        switch (driver.Respond(message, request, agentSessionId))
        {
            case WriteStdin write:
                if (running.Process.HasExited)
                {
                    throw new InvalidOperationException("the agent process has exited; it cannot take input");
                }

                try
                {
                    await running.Process.WriteLineAsync(write.Line);
                }
                catch (IOException e)
                {
                    // It ended between the check and the write.
                    throw new InvalidOperationException("the agent process has exited; it cannot take input", e);
                }

                break;
            case StartProcess start:
                if (!running.Pump.IsCompleted)
                {
                    throw new InvalidOperationException("the agent is still working on its turn");
                }

                await running.Process.DisposeAsync();
                current = Launch(start.Spec);
                break;
        }
    }

    /// <summary>
    /// Answers a permission request of the live process (see <see cref="IAgentRunListener.OnPermissionRequest"/>):
    /// one stdin line, written the way turns are. Each request is answered once.
    /// </summary>
    /// <param name="message">Why, when denying: the agent tells the model.</param>
    /// <param name="remember">Allow the same kind of request for the rest of the session, where the agent can.</param>
    /// <exception cref="InvalidOperationException">No such request is pending (never asked, already answered, or its process has exited).</exception>
    public async Task AnswerPermissionAsync(string requestId, bool allow, string? message = null, bool remember = false)
    {
        var running = current;
        if (!running.PendingPermissions.TryRemove(requestId, out var pending))
        {
            throw new InvalidOperationException($"no permission request {requestId} is pending");
        }

        var line = driver.PermissionResponse(pending, allow, message, remember)
            ?? throw new InvalidOperationException($"the {driver.Agent} agent cannot answer permission requests");
        if (running.Process.HasExited)
        {
            throw new InvalidOperationException($"no permission request {requestId} is pending: the agent process has exited");
        }

        try
        {
            await running.Process.WriteLineAsync(line);
        }
        catch (IOException e)
        {
            // It ended between the check and the write.
            throw new InvalidOperationException($"no permission request {requestId} is pending: the agent process has exited", e);
        }
    }

    /// <summary>SIGINT to the agent's group; SIGKILL to its tree after <see cref="AgentRunOptions.InterruptGrace"/> if any of it is still alive.</summary>
    public void Interrupt()
    {
        stopRequested = true;
        current.Process.Interrupt(options.InterruptGrace);
    }

    /// <summary>SIGKILL at once, to the agent and every process it started.</summary>
    public void Kill()
    {
        stopRequested = true;
        current.Process.Kill();
    }

    /// <summary>Closes the agent's stdin: an agent that reads turns from stdin then finishes.</summary>
    public void EndInput() => current.Process.CloseInput();

    /// <summary>Kills the agent if it still runs, and waits (briefly) for its exit to be reported.</summary>
    public async ValueTask DisposeAsync()
    {
        var running = current;
        running.Process.Kill();
        await Task.WhenAny(running.Pump, Task.Delay(TimeSpan.FromSeconds(10)));
        await running.Process.DisposeAsync();
    }

    private Running Launch(AgentProcessSpec spec)
    {
        var process = AgentProcess.Start(spec, options.MaxLineBytes, options.Trees);
        try
        {
            listener.OnProcessStarted(process.Pid, process.StartTime);
        }
        catch
        {
            // No one would ever hear of this process: it must not live on.
            process.Kill();
            throw;
        }

        var running = new Running(process, driver.CreateParser(), new TurnObserver());
        running.Pump = Task.Run(() => PumpAsync(running));
        return running;
    }

    private async Task PumpAsync(Running running)
    {
        var process = running.Process;
        var events = new List<AgentEvent>(4);
        using var stopReading = new CancellationTokenSource();
        var reading = process.ReadOutputAsync((line, truncated) => OnLine(running, events, line, truncated), stopReading.Token);

        Exception? readFailure = null;
        if (await Task.WhenAny(reading, process.Exited) == reading && reading.IsFaulted)
        {
            // Nobody reads the agent's output any more: it would block on a full pipe. Stop it.
            readFailure = reading.Exception!.GetBaseException();
            process.Kill();
        }

        var exit = await process.Exited;
        if (await Task.WhenAny(reading, Task.Delay(DrainAfterExit)) != reading)
        {
            stopReading.Cancel();
        }

        try
        {
            await reading;
        }
        catch (OperationCanceledException)
        {
            // Output left open by a child of the agent; what came before the exit was read.
        }
        catch (Exception e)
        {
            // Whatever broke the reading (a listener, the pipe) is reported with the exit, which must still come.
            readFailure ??= e;
        }

        var stderrTail = await process.StderrTailAfterAsync(DrainAfterExit);
        var (kind, message) = running.Observer.AtExit(stopRequested, stderrTail);
        if (kind is null && readFailure is not null)
        {
            kind = ErrorKind.NoResult;
            message = $"the agent's output could not be handled: {readFailure.Message}";
        }

        var redactor = options.Redactor;
        listener.OnExit(new AgentExit(
            exit.ExitCode,
            exit.Signal,
            Tail.Of(redactor.Redact(stderrTail), ErrorContext.StderrTailChars),
            Tail.Of(redactor.Redact(running.Observer.OutputTail), ErrorContext.OutputTailChars),
            kind,
            message is null ? null : redactor.Redact(message)));
    }

    private void OnLine(Running running, List<AgentEvent> events, ReadOnlySpan<byte> line, bool truncated)
    {
        events.Clear();
        if (truncated)
        {
            var prefix = line[..Math.Min(line.Length, AgentMalformedLine.MaxRawChars)];
            events.Add(new AgentMalformedLine(
                Encoding.UTF8.GetString(prefix),
                $"line longer than {options.MaxLineBytes} bytes: only its start was read, the rest was dropped"));
        }
        else
        {
            running.Parser.Parse(line, events);
        }

        foreach (var e in events)
        {
            Handle(running, e);
        }
    }

    private void Handle(Running running, AgentEvent e)
    {
        listener.OnAgentEvent(e);
        switch (e)
        {
            case AgentInit init when init.AgentSessionId != agentSessionId:
                agentSessionId = init.AgentSessionId;
                listener.OnAgentSessionId(init.AgentSessionId, init.Model);
                break;
            case AgentText text:
                running.Observer.Text(text.Text);
                break;
            case AgentApiError error:
                running.Observer.ApiError(error);
                break;
            case AgentApiRetry retry:
                if (running.Observer.Retry(retry, options.FailFastOnAuthError))
                {
                    running.Process.Kill();
                }

                break;
            case AgentPermissionRequest permission:
                // Known before the listener hears of it, so an answer given from inside the callback is accepted.
                running.PendingPermissions[permission.RequestId] = permission;
                listener.OnPermissionRequest(permission);
                break;
            case AgentTurnResult result:
                var next = running.Observer.TurnEnded(result, stopRequested);
                listener.OnTurnResult(result, next);

                // The agent exits once its stdin is closed: after an error, and after a single-turn session's turn.
                if (result.IsError || !request.Launch.MultiTurn)
                {
                    running.Process.CloseInput();
                }

                break;
        }
    }

    private sealed class Running(AgentProcess process, IAgentOutputParser parser, TurnObserver observer)
    {
        public AgentProcess Process { get; } = process;

        public IAgentOutputParser Parser { get; } = parser;

        public TurnObserver Observer { get; } = observer;

        /// <summary>Requests this process asked and nobody answered yet; they die with the process.</summary>
        public ConcurrentDictionary<string, AgentPermissionRequest> PendingPermissions { get; } = new(StringComparer.Ordinal);

        public Task Pump { get; set; } = Task.CompletedTask;
    }
}
