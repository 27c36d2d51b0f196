using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Actors.AgentHosting;

/// <summary>
/// Owns the agent processes of one node: one <see cref="AgentProcessActor"/> child per running session.
/// Node-local on purpose: a process never moves, whatever sharding does with the session entity.
/// </summary>
public sealed class AgentHost : ReceiveActor
{
    public const string Name = "agent-host";

    private readonly IActorRef sessions;
    private readonly AgentHostSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();

    public AgentHost(IActorRef sessions, AgentHostSettings settings)
    {
        this.sessions = sessions;
        this.settings = settings;

        Receive<StartAgent>(Start);
        Receive<SendInput>(input => ForwardToProcess(input.SessionId, input));
        Receive<StopAgent>(stop => ForwardToProcess(stop.SessionId, stop));
        Receive<GetRunningAgents>(_ => Sender.Tell(new RunningAgents(
            Context.GetChildren().Select(child => Uri.UnescapeDataString(child.Path.Name)).ToList())));
    }

    public static Props Props(IActorRef sessions, AgentHostSettings settings) =>
        Akka.Actor.Props.Create(() => new AgentHost(sessions, settings));

    // A crashed process actor is never restarted: that would start the agent a second time.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Start(StartAgent start)
    {
        var childName = ChildName(start.SessionId);
        if (!Context.Child(childName).IsNobody())
        {
            log.Warning("Session {0} already has an agent process on this node; start ignored", start.SessionId);
            return;
        }

        if (!settings.Drivers.TryGetValue(start.Agent, out var driver))
        {
            sessions.Tell(new SessionCommandEnvelope(start.SessionId, new RecordLaunchFailure(
                ErrorKind.AgentBinaryMissing,
                $"node {settings.NodeName} has no driver for agent '{start.Agent}'",
                settings.NodeName,
                DateTimeOffset.UtcNow)));
            return;
        }

        Context.ActorOf(AgentProcessActor.Props(start, driver, sessions, settings), childName);
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

    private static string ChildName(string sessionId) => Uri.EscapeDataString(sessionId);
}
