using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
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
    private AgentRun? run;
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
            m.Result.TotalCostUsd, m.Result.Usage, m.Result.IsError, m.Next, DateTimeOffset.UtcNow)));
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

    public static Props Props(StartAgent start, IAgentDriver driver, IActorRef facts, AgentHostSettings settings) =>
        Akka.Actor.Props.Create(() => new AgentProcessActor(start, driver, facts, settings));

    protected override void PreStart()
    {
        try
        {
            // The session's own secrets are hidden as well as the node's.
            var options = settings.RunOptions with { Redactor = settings.RunOptions.Redactor.Including(start.Request.Launch.Env) };
            run = AgentRun.Start(driver, start.Request, options, new Listener(Self));
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

    private sealed record InputDelivered
    {
        public static readonly InputDelivered Instance = new();
    }

    /// <summary>Turns the run's callbacks (from any thread) into messages to this actor.</summary>
    private sealed class Listener(IActorRef self) : IAgentRunListener
    {
        public void OnProcessStarted(int pid, long startTime) => self.Tell(new ProcessStarted(pid, startTime));

        public void OnAgentEvent(AgentEvent e)
        {
        }

        public void OnAgentSessionId(string id, string? model) => self.Tell(new AgentSessionIdSeen(id, model));

        public void OnTurnResult(AgentTurnResult result, WaitingReason next) => self.Tell(new TurnResultSeen(result, next));

        public void OnExit(AgentExit exit) => self.Tell(new ProcessExited(exit));
    }
}
