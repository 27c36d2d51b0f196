using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// Owns the agent processes of one node: one <see cref="AgentProcessActor"/> child per running session.
/// Node-local on purpose: a process never moves, whatever sharding does with the session entity.
/// </summary>
/// <remarks>
/// Sessions repeat <see cref="StartAgent"/> and <see cref="StopAgent"/> until their state shows them done, so both are
/// idempotent here: a session gets at most one process per host, and a stop for a process the host does not run ends
/// the recorded leftover (same pid and start time) and answers <see cref="AgentNotRunning"/>.
/// </remarks>
public sealed class AgentHost : ReceiveActor, IWithTimers
{
    public const string Name = "agent-host";

    /// <summary>How many started sessions are remembered, so a repeated start of a finished run starts nothing.</summary>
    private const int RememberedStarts = 10_000;

    private readonly IActorRef sessions;
    private readonly IActorRef facts;
    private readonly AgentHostSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly HashSet<string> started = [];
    private readonly Queue<string> startOrder = new();
    private IActorRef? stoppingFor;
    private int stopping;

    public AgentHost(IActorRef sessions, IActorRef facts, AgentHostSettings settings)
    {
        this.sessions = sessions;
        this.facts = facts;
        this.settings = settings;

        Receive<StartAgent>(Start);
        Receive<SendInput>(input => ForwardToProcess(input.SessionId, input));
        Receive<AnswerAgentPermission>(answer => ForwardToProcess(answer.SessionId, answer));
        Receive<StopAgent>(Stop);
        Receive<GetRunningAgents>(_ => Sender.Tell(new RunningAgents(
            Context.GetChildren().Select(child => Uri.UnescapeDataString(child.Path.Name)).ToList())));
        Receive<StopAllAgents>(StopAll);
        Receive<SessionReply>(_ => { }); // the sessions' answers to the node-stopped interrupts
        Receive<Terminated>(_ => ReplyWhenAllStopped());
        Receive<KillRemaining>(_ =>
        {
            foreach (var child in Context.GetChildren())
            {
                child.Tell(new StopAgent(Uri.UnescapeDataString(child.Path.Name), StopMode.Kill));
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef sessions, IActorRef facts, AgentHostSettings settings) =>
        Akka.Actor.Props.Create(() => new AgentHost(sessions, facts, settings));

    // A crashed process actor is never restarted: that would start the agent a second time.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Start(StartAgent start)
    {
        if (stoppingFor is not null || started.Contains(start.SessionId))
        {
            return;
        }

        Remember(start.SessionId);
        if (!settings.Drivers.TryGetValue(start.Agent, out var driver))
        {
            facts.Tell(new SessionFact(start.SessionId, 1, new RecordLaunchFailure(
                ErrorKind.AgentBinaryMissing,
                $"node {settings.NodeName} has no driver for agent '{start.Agent}'",
                settings.NodeName,
                DateTimeOffset.UtcNow)));
            return;
        }

        Context.Watch(Context.ActorOf(AgentProcessActor.Props(start, driver, facts, settings), ChildName(start.SessionId)));
    }

    private void Stop(StopAgent stop)
    {
        var child = Context.Child(ChildName(stop.SessionId));
        if (!child.IsNobody())
        {
            child.Forward(stop);
            return;
        }

        if (stop.Pid is { } pid && settings.EndLeftover(pid, stop.StartTime))
        {
            log.Warning("Ended leftover agent process {0} of session {1}", pid, stop.SessionId);
        }

        Sender.Tell(new AgentNotRunning(stop.SessionId));
    }

    private void StopAll(StopAllAgents stop)
    {
        stoppingFor = Sender;
        var children = Context.GetChildren().ToList();
        stopping = children.Count;
        log.Info("Node stopping: interrupting {0} agent(s)", children.Count);
        foreach (var child in children)
        {
            // Through the session, so it is recorded as interrupted before its process is signalled.
            var sessionId = Uri.UnescapeDataString(child.Path.Name);
            sessions.Tell(new SessionCommandEnvelope(sessionId, new Interrupt(DateTimeOffset.UtcNow, stop.Reason)));
        }

        // The interrupt ends an agent within its grace period; whatever is left then is killed.
        Timers.StartSingleTimer(nameof(KillRemaining), KillRemaining.Instance, settings.RunOptions.InterruptGrace + TimeSpan.FromSeconds(2));
        ReplyWhenAllStopped();
    }

    private void ReplyWhenAllStopped()
    {
        if (stoppingFor is not null && !Context.GetChildren().Any())
        {
            stoppingFor.Tell(new AgentsStopped(stopping));
            stoppingFor = null;
        }
    }

    private void ForwardToProcess(string sessionId, object message)
    {
        var child = Context.Child(ChildName(sessionId));
        if (child.IsNobody())
        {
            log.Warning("No agent process for session {0} on this node; {1} dropped", sessionId, message.GetType().Name);
            return;
        }

        child.Forward(message);
    }

    private void Remember(string sessionId)
    {
        started.Add(sessionId);
        startOrder.Enqueue(sessionId);
        if (startOrder.Count > RememberedStarts)
        {
            started.Remove(startOrder.Dequeue());
        }
    }

    private static string ChildName(string sessionId) => Uri.EscapeDataString(sessionId);

    private sealed record KillRemaining
    {
        public static readonly KillRemaining Instance = new();
    }
}
