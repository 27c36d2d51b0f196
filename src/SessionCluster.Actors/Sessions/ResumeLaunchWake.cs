using Akka.Actor;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Sessions;

/// <summary>
/// At start-up, wakes every session that still owes a resumed session its launch (<see cref="SessionState.UnlaunchedResumes"/>):
/// such a session keeps its entity while it owes one, but a node that stopped took the entity with it, and nothing else
/// would recover it. Recovered, the entity asks for the launch again on its timer.
/// </summary>
public static class ResumeLaunchWake
{
    /// <summary>Sends a <see cref="GetSession"/> (its answer is not needed) to each session in <paramref name="sessions"/> that owes a launch.</summary>
    /// <returns>How many sessions were woken.</returns>
    public static int Run(IEnumerable<SessionState> sessions, IActorRef region)
    {
        var woken = 0;
        foreach (var session in sessions.Where(s => !s.UnlaunchedResumes.IsEmpty))
        {
            region.Tell(new GetSession(session.Id), ActorRefs.NoSender);
            woken++;
        }

        return woken;
    }
}
