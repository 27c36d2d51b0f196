using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents;
using SessionCluster.Domain;
using SessionCluster.Domain.Placement;

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
    // Slots held for sessions placed here whose agent has not started yet, with when each was reserved.
    private readonly Dictionary<string, DateTimeOffset> reserved = new(StringComparer.Ordinal);
    private IReadOnlyList<AgentInstallation> installations;
    private IActorRef? stoppingFor;
    private int stopping;
    private bool draining;

    public AgentHost(IActorRef sessions, IActorRef facts, AgentHostSettings settings)
    {
        this.sessions = sessions;
        this.facts = facts;
        this.settings = settings;
        installations = settings.Drivers.Values.Select(d => new AgentInstallation(d.Agent, null, null, null)).ToList();

        Receive<StartAgent>(Start);
        Receive<DescribeAgentHost>(describe => Sender.Tell(Describe(describe)));
        Receive<ReserveSlot>(Reserve);
        Receive<DrainAgentHost>(_ =>
        {
            if (!draining)
            {
                log.Info("Draining: this node takes no new session; {0} live", Live);
            }

            draining = true;
            Sender.Tell(new AgentHostDraining(LiveSessionIds()));
        });
        Receive<Installations>(found => installations = found.Agents);
        Receive<LookForAgents>(_ => LookForInstalledAgents());
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

    /// <summary>How often the host looks again for its agents' programs (one installed meanwhile counts without a restart).</summary>
    public static readonly TimeSpan LookForAgentsEvery = TimeSpan.FromMinutes(1);

    public static Props Props(IActorRef sessions, IActorRef facts, AgentHostSettings settings) =>
        Akka.Actor.Props.Create(() => new AgentHost(sessions, facts, settings));

    // A crashed process actor is never restarted: that would start the agent a second time.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        LookForInstalledAgents();
        Timers.StartPeriodicTimer(nameof(LookForAgents), LookForAgents.Instance, LookForAgentsEvery);
    }

    /// <summary>Agent processes plus slots held for placed sessions on their way.</summary>
    private int Live
    {
        get
        {
            var holdStart = DateTimeOffset.UtcNow - settings.ReservationHold;
            foreach (var expired in reserved.Where(r => r.Value < holdStart).Select(r => r.Key).ToList())
            {
                reserved.Remove(expired);
            }

            return Context.GetChildren().Count() + reserved.Count;
        }
    }

    private List<string> LiveSessionIds() =>
        Context.GetChildren().Select(child => Uri.UnescapeDataString(child.Path.Name)).Concat(reserved.Keys).Distinct().ToList();

    private AgentHostDescribed Describe(DescribeAgentHost describe)
    {
        var agentProblem = describe.Agent is null ? null
            : !settings.Drivers.ContainsKey(describe.Agent) ? $"node {settings.NodeName} has no driver for agent '{describe.Agent}'"
            : installations.FirstOrDefault(i => i.Agent == describe.Agent)?.Problem;
        var offer = new HostOffer(
            new AgentHostPlacement(settings.NodeId, settings.NodeName, Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString()),
            agentProblem,
            describe.Workdir is null ? null
                : WorkdirCheck.Problem(describe.Workdir) is { } problem ? $"workdir '{describe.Workdir}' {problem} on node {settings.NodeName}" : null,
            Live,
            settings.MaxLiveSessions,
            draining || stoppingFor is not null);
        return new AgentHostDescribed(offer, installations);
    }

    private void Reserve(ReserveSlot reserve)
    {
        if (draining || stoppingFor is not null)
        {
            Sender.Tell(new SlotRefused(reserve.SessionId, $"node {settings.NodeName} is leaving the cluster"));
            return;
        }

        // A session whose agent runs here holds its slot in that process: a second hold would count it twice, and
        // keep its slot taken for the hold's length after the agent ended.
        if (!Context.Child(ChildName(reserve.SessionId)).IsNobody())
        {
            Sender.Tell(new SlotReserved(reserve.SessionId));
            return;
        }

        // A session asking again (its placement was retried) holds its slot already.
        if (!reserved.ContainsKey(reserve.SessionId) && Live >= settings.MaxLiveSessions)
        {
            Sender.Tell(new SlotRefused(reserve.SessionId,
                $"node {settings.NodeName} is at its capacity ({settings.MaxLiveSessions} live sessions, sessioncluster.agents.max-live-sessions)"));
            return;
        }

        reserved[reserve.SessionId] = DateTimeOffset.UtcNow;
        Sender.Tell(new SlotReserved(reserve.SessionId));
    }

    private void LookForInstalledAgents()
    {
        var drivers = settings.Drivers.Values.ToList();
        Task.WhenAll(drivers.Select(AgentInstallation.FindAsync))
            .PipeTo(Self, success: found => new Installations(found), failure: e => new Installations(installations));
    }

    private void Start(StartAgent start)
    {
        reserved.Remove(start.SessionId);
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

    private sealed record Installations(IReadOnlyList<AgentInstallation> Agents);

    private sealed record LookForAgents
    {
        public static readonly LookForAgents Instance = new();
    }

    private sealed record KillRemaining
    {
        public static readonly KillRemaining Instance = new();
    }
}
