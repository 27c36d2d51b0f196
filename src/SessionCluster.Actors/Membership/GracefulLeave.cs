using Akka.Actor;
using Akka.Event;
using SessionCluster.Actors.AgentHosting;

namespace SessionCluster.Actors.Membership;

/// <summary>
/// A node's graceful leave (<see cref="LeaveGracefully"/>): its agent host drains (placement sends no new session
/// there), the live sessions are asked after every <c>checkEvery</c>, and <c>leave</c> runs once none is left or the
/// drain timeout is up. Leaving then stops the node as usual, so whatever still runs is recorded as interrupted.
/// </summary>
public sealed class GracefulLeave : ReceiveActor, IWithTimers
{
    public const string Name = "graceful-leave";

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly List<IActorRef> askers = [];
    private DateTimeOffset? leavesBy;
    private bool left;

    public GracefulLeave(IActorRef agentHost, TimeSpan drainTimeout, TimeSpan checkEvery, Action leave)
    {
        Receive<LeaveGracefully>(_ =>
        {
            if (leavesBy is null)
            {
                leavesBy = DateTimeOffset.UtcNow + drainTimeout;
                log.Info("Leaving the cluster gracefully: no new session from now on; waiting for the live ones until {0:O}", leavesBy);
                Timers.StartPeriodicTimer(nameof(CheckAgain), CheckAgain.Instance, checkEvery);
            }

            askers.Add(Sender);
            agentHost.Tell(DrainAgentHost.Instance);
        });
        Receive<CheckAgain>(_ => agentHost.Tell(DrainAgentHost.Instance));
        Receive<AgentHostDraining>(draining =>
        {
            var answer = new LeavingGracefully(draining.LiveSessionIds, leavesBy!.Value);
            askers.ForEach(asker => asker.Tell(answer));
            askers.Clear();
            var timedOut = DateTimeOffset.UtcNow >= leavesBy;
            if (left || (draining.LiveSessionIds.Count > 0 && !timedOut))
            {
                return;
            }

            if (timedOut && draining.LiveSessionIds.Count > 0)
            {
                log.Warning("Drain timeout passed with {0} live session(s) ({1}): leaving, they are interrupted",
                    draining.LiveSessionIds.Count, string.Join(", ", draining.LiveSessionIds));
            }
            else
            {
                log.Info("No live session left: leaving the cluster");
            }

            left = true;
            Timers.Cancel(nameof(CheckAgain));
            leave();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef agentHost, TimeSpan drainTimeout, TimeSpan checkEvery, Action leave) =>
        Akka.Actor.Props.Create(() => new GracefulLeave(agentHost, drainTimeout, checkEvery, leave));

    /// <summary>Where the graceful leave of the member at <paramref name="address"/> lives.</summary>
    public static ActorPath PathOf(Address address) => new RootActorPath(address) / "user" / Name;

    private sealed record CheckAgain
    {
        public static readonly CheckAgain Instance = new();
    }
}
