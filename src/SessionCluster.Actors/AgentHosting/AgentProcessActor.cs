using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.EventLog;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Agents.EventLog;
using SessionCluster.Domain;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// Runs one session's agent and turns what the agent does into numbered facts (1, 2, 3...), handed to the node's
/// <see cref="SessionFactProducer"/>, which delivers them to the session (wherever it lives) until confirmed.
/// </summary>
public sealed class AgentProcessActor : ReceiveActor
{
    private readonly StartAgent start;
    private readonly IAgentDriver driver;
    private readonly IActorRef facts;
    private readonly AgentHostSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly HashSet<string> answering = [];
    private readonly HashSet<string> answered = [];
    private AgentRun? run;
    private SecretRedactor redactor = SecretRedactor.None;
    private bool exited;
    private long seq;

    public AgentProcessActor(StartAgent start, IAgentDriver driver, IActorRef facts, AgentHostSettings settings)
    {
        this.start = start;
        this.driver = driver;
        this.facts = facts;
        this.settings = settings;

        Receive<ProcessStarted>(m => Record(new RecordProcessStarted(settings.NodeName, m.Pid, DateTimeOffset.UtcNow, settings.NodeId, m.StartTime)));
        Receive<AgentSessionIdSeen>(m => Record(new RecordAgentSessionId(m.AgentSessionId, m.Model, DateTimeOffset.UtcNow)));
        Receive<TurnResultSeen>(m => Record(new RecordTurnResult(
            m.Result.TotalCostUsd,
            m.Result.Usage,
            m.Result.IsError,
            m.Next,
            DateTimeOffset.UtcNow,
            Question: m.Next == WaitingReason.Question ? m.Result.ResultText : null,
            PermissionDenials: m.Result.PermissionDenials,
            LastText: LastText(m.Result))));
        Receive<AgentPermissionRequest>(m => Record(new RecordPermissionRequest(
            m.RequestId, m.Tool, Bounded(m.Summary, AgentPermissionRequest.MaxSummaryChars), DateTimeOffset.UtcNow)));
        Receive<AgentQuestion>(m => Record(new RecordQuestion(m.Text, DateTimeOffset.UtcNow)));
        Receive<AgentApiRetry>(m => Record(new RecordApiRetry(m.Attempt, RetryMessage(m), DateTimeOffset.UtcNow)));
        Receive<AnswerAgentPermission>(Answer);
        Receive<PermissionAnswerWritten>(m =>
        {
            answering.Remove(m.RequestId);
            if (m.Failure is not null and not InvalidOperationException)
            {
                // Not written, for a reason the run did not foresee: the entity asks again.
                log.Warning(m.Failure, "Could not answer permission request {0} of session {1}", m.RequestId, start.SessionId);
                return;
            }

            // Written, or the run has no such request pending (answered already, or its process has exited): done either way.
            answered.Add(m.RequestId);
            Record(new RecordPermissionAnswered(m.RequestId, DateTimeOffset.UtcNow));
        });
        Receive<ProcessExited>(m =>
        {
            exited = true;
            Record(new RecordProcessExit(m.Exit, DateTimeOffset.UtcNow));
            Context.Stop(Self);
        });
        Receive<SendInput>(input => run?.RespondAsync(input.Message).PipeTo(Self, success: () => InputDelivered.Instance));
        Receive<InputDelivered>(_ => { });
        Receive<Status.Failure>(failure => log.Warning(failure.Cause, "Could not send input to the agent of session {0}", start.SessionId));
        Receive<StopAgent>(stop =>
        {
            if (stop.Mode == StopMode.Kill)
            {
                run?.Kill();
            }
            else
            {
                run?.Interrupt();
            }
        });
    }

    /// <summary>Writes the answer to the agent once; a repeat (the entity asks until it hears back) gets the fact again.</summary>
    private void Answer(AnswerAgentPermission m)
    {
        if (answered.Contains(m.RequestId))
        {
            Record(new RecordPermissionAnswered(m.RequestId, DateTimeOffset.UtcNow));
            return;
        }

        if (run is null || !answering.Add(m.RequestId))
        {
            return; // being written now
        }

        var requestId = m.RequestId;
        run.AnswerPermissionAsync(requestId, m.Allow, m.Message, m.Remember).ContinueWith(
            t => new PermissionAnswerWritten(requestId, t.Exception?.GetBaseException()),
            TaskScheduler.Default).PipeTo(Self);
    }

    /// <summary>
    /// The end of what the agent said in the turn (its result text: claude's result, codex's last agent message), masked
    /// like the event log before it is journaled: the node's secrets too, which the session's notifications cannot know.
    /// </summary>
    private string? LastText(AgentTurnResult result) =>
        string.IsNullOrWhiteSpace(result.ResultText)
            ? null
            // Masked before it is cut, so a secret at the edge is not left half visible.
            : Tail.Of(redactor.Redact(result.ResultText), SessionState.LastTextChars);

    private static string Bounded(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string RetryMessage(AgentApiRetry retry)
    {
        var what = (retry.ErrorStatus, retry.Error) switch
        {
            ({ } status, { Length: > 0 } error) => $"HTTP {status} ({error})",
            ({ } status, _) => $"HTTP {status}",
            (null, { Length: > 0 } error) => error,
            _ => "no answer from the model API",
        };
        var of = retry.MaxRetries > 0 ? $" of {retry.MaxRetries}" : string.Empty;
        return $"{what}; retry {retry.Attempt}{of} in {retry.RetryDelayMs} ms";
    }

    public static Props Props(StartAgent start, IAgentDriver driver, IActorRef facts, AgentHostSettings settings) =>
        Akka.Actor.Props.Create(() => new AgentProcessActor(start, driver, facts, settings));

    protected override void PreStart()
    {
        try
        {
            // The session's own secrets are hidden as well as the node's.
            var options = settings.RunOptions with { Redactor = settings.RunOptions.Redactor.Including(start.Request.Launch.Env) };
            redactor = options.Redactor;
            run = AgentRun.Start(driver, start.Request, options, new Listener(Self, start.SessionId, start.Agent, settings.EventLog, options.Redactor));
        }
        catch (AgentStartException ex)
        {
            exited = true;
            Record(new RecordLaunchFailure(ex.Kind, ex.Message, settings.NodeName, DateTimeOffset.UtcNow));
            Context.Stop(Self);
        }
    }

    protected override void PostStop()
    {
        if (!exited)
        {
            // The node is stopping (or this actor failed): no agent outlives its owner.
            run?.Kill();
        }

        run?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
    }

    private void Record(SessionCommand fact) => facts.Tell(new SessionFact(start.SessionId, ++seq, fact));

    private sealed record ProcessStarted(int Pid, long StartTime);

    private sealed record AgentSessionIdSeen(string AgentSessionId, string? Model);

    private sealed record TurnResultSeen(AgentTurnResult Result, WaitingReason Next);

    private sealed record ProcessExited(AgentExit Exit);

    private sealed record PermissionAnswerWritten(string RequestId, Exception? Failure);

    private sealed record InputDelivered
    {
        public static readonly InputDelivered Instance = new();
    }

    /// <summary>
    /// Turns the run's callbacks (from any thread) into messages to this actor, and hands every event to the event log
    /// straight from the output pump: masked with the session's own secrets too, and never waiting on storage.
    /// </summary>
    private sealed class Listener(IActorRef self, string sessionId, string agent, IEventLogSink? eventLog, SecretRedactor redactor) : IAgentRunListener
    {
        public void OnProcessStarted(int pid, long startTime) => self.Tell(new ProcessStarted(pid, startTime));

        public void OnAgentEvent(AgentEvent e)
        {
            eventLog?.Append(sessionId, agent, AgentEventLog.Describe(e, redactor), DateTimeOffset.UtcNow);
            if (e is AgentApiRetry retry)
            {
                self.Tell(retry);
            }
        }

        public void OnPermissionRequest(AgentPermissionRequest request) => self.Tell(request);

        public void OnQuestion(AgentQuestion question) => self.Tell(question);

        public void OnAgentSessionId(string id, string? model) => self.Tell(new AgentSessionIdSeen(id, model));

        public void OnTurnResult(AgentTurnResult result, WaitingReason next) => self.Tell(new TurnResultSeen(result, next));

        public void OnExit(AgentExit exit) => self.Tell(new ProcessExited(exit));
    }
}
