using System.Collections.Concurrent;
using System.Text;
using SessionCluster.Domain;

namespace SessionCluster.Agents;

/// <summary>
/// A session's agent at work: starts its process, moves lines between it and its driver's
/// <see cref="IAgentConversation"/>, applies the run's rules (stdin closes when the conversation says a turn was the
/// last; refused credentials stop the agent at once; failures are remembered and reported with the exit) and
/// reports everything to an <see cref="IAgentRunListener"/>.
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

    /// <summary>
    /// Sends a person's message to the live process, as its conversation says: the next turn, or the answer to the
    /// question the agent asked (see <see cref="IAgentRunListener.OnQuestion"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The agent cannot take input now (its process has exited, or is still busy).</exception>
    public async Task RespondAsync(string message)
    {
        var running = current;
        if (running.Process.HasExited)
        {
            throw new InvalidOperationException("the agent process has exited; it cannot take input");
        }

        await WriteAsync(running, running.Conversation.Respond(message), "the agent process has exited; it cannot take input");
    }

    /// <summary>
    /// Answers a permission request of the live process (see <see cref="IAgentRunListener.OnPermissionRequest"/>):
    /// one stdin line, as the agent's conversation writes it. Each request is answered once.
    /// </summary>
    /// <param name="message">Why, when denying: the agent tells the model where it can.</param>
    /// <param name="remember">Allow the same kind of request for the rest of the session, where the agent can.</param>
    /// <exception cref="InvalidOperationException">No such request is pending (never asked, already answered, or its process has exited).</exception>
    public async Task AnswerPermissionAsync(string requestId, bool allow, string? message = null, bool remember = false)
    {
        var running = current;
        if (!running.PendingPermissions.TryRemove(requestId, out var pending))
        {
            throw new InvalidOperationException($"no permission request {requestId} is pending");
        }

        var exited = $"no permission request {requestId} is pending: the agent process has exited";
        if (running.Process.HasExited)
        {
            throw new InvalidOperationException(exited);
        }

        await WriteAsync(running, running.Conversation.AnswerPermission(pending, allow, message, remember), exited);
    }

    /// <summary>
    /// Stops the agent's work gracefully, as its conversation says (Claude: SIGINT to its group; Codex: <c>turn/interrupt</c>,
    /// then stdin closed); SIGINT, then SIGKILL to its tree, when any of it still lives after <see cref="AgentRunOptions.InterruptGrace"/>.
    /// </summary>
    public void Interrupt()
    {
        stopRequested = true;
        var running = current;
        var process = running.Process;
        var how = running.Conversation.Interrupt();
        if (how.Signal)
        {
            process.Interrupt(options.InterruptGrace);
            return;
        }

        if (how.Line is { } line)
        {
            Send(running, line);
        }

        if (how.CloseInput)
        {
            process.CloseInput();
        }

        _ = SignalIfAliveAfterGraceAsync(process);
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

        var running = new Running(process, driver.Converse(request), new TurnObserver());
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
        running.Replies.Clear();
        if (truncated)
        {
            var prefix = line[..Math.Min(line.Length, AgentMalformedLine.MaxRawChars)];
            events.Add(new AgentMalformedLine(
                Encoding.UTF8.GetString(prefix),
                $"line longer than {options.MaxLineBytes} bytes: only its start was read, the rest was dropped"));
        }
        else
        {
            running.Conversation.Read(line, events, running.Replies);
        }

        // Answers first: the agent may wait for them, and the listener may take its time.
        foreach (var reply in running.Replies)
        {
            Send(running, reply);
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
            case AgentQuestion question:
                listener.OnQuestion(question);
                break;
            case AgentPermissionRequest permission:
                // Known before the listener hears of it, so an answer given from inside the callback is accepted.
                running.PendingPermissions[permission.RequestId] = permission;
                listener.OnPermissionRequest(permission);
                break;
            case AgentTurnResult result:
                var next = running.Observer.TurnEnded(result, stopRequested);
                listener.OnTurnResult(result, next);

                // The agent exits once its stdin is closed (Claude: after an error, and after a single-turn session's turn).
                if (running.Conversation.EndsInputAfter(result, request.Launch.MultiTurn))
                {
                    running.Process.CloseInput();
                }

                break;
        }
    }

    /// <summary>Writes <paramref name="line"/> after every line sent before it; a refused write means the process has gone.</summary>
    private static async Task WriteAsync(Running running, string line, string whenGone)
    {
        Task write;
        lock (running)
        {
            write = running.Outbox = WriteAfterAsync(running.Outbox, running.Process, line);
        }

        try
        {
            await write;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // It ended (or its stdin was closed) between the check and the write.
            throw new InvalidOperationException(whenGone, e);
        }
    }

    /// <summary>A line the agent's protocol needs (an answer, a stop): in order, and lost only with the process.</summary>
    private static void Send(Running running, string line)
    {
        lock (running)
        {
            running.Outbox = WriteAfterAsync(running.Outbox, running.Process, line);
        }

        _ = running.Outbox.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }

    private static async Task WriteAfterAsync(Task previous, AgentProcess process, string line)
    {
        try
        {
            await previous;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // That line's writer was told; this one is tried on its own.
        }

        await process.WriteLineAsync(line);
    }

    private async Task SignalIfAliveAfterGraceAsync(AgentProcess process)
    {
        if (await Task.WhenAny(process.Exited, Task.Delay(options.InterruptGrace)) != process.Exited)
        {
            process.Interrupt(options.InterruptGrace);
        }
    }

    private sealed class Running(AgentProcess process, IAgentConversation conversation, TurnObserver observer)
    {
        public AgentProcess Process { get; } = process;

        public IAgentConversation Conversation { get; } = conversation;

        /// <summary>The stdin lines the current stdout line asks for; used by the pump only.</summary>
        public List<string> Replies { get; } = new(2);

        /// <summary>The last stdin write: each write waits for the one before, so lines keep their order.</summary>
        public Task Outbox { get; set; } = Task.CompletedTask;

        public TurnObserver Observer { get; } = observer;

        /// <summary>Requests this process asked and nobody answered yet; they die with the process.</summary>
        public ConcurrentDictionary<string, AgentPermissionRequest> PendingPermissions { get; } = new(StringComparer.Ordinal);

        public Task Pump { get; set; } = Task.CompletedTask;
    }
}
