using Akka.Actor;
using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// At start, fails every session the journal says is live on this node: this node's agent host has just started and
/// runs no process, so whatever the previous run of the node started is gone, or a leftover that is ended here
/// (matched by pid and start time, so a reused pid is never touched). <see cref="Done"/> turns true once every
/// session's failure is persisted; until then the node is not ready and session commands wait.
/// </summary>
public sealed class NodeLostSweep(string nodeId, string nodeName, Func<int, long, bool> endLeftover, TimeSpan askTimeout)
{
    private static readonly Serilog.ILogger Log = Serilog.Log.ForContext<NodeLostSweep>();
    private volatile bool done;

    public bool Done => done;

    /// <summary>Completes when <see cref="Done"/> has turned true.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the sweep; returns at once (it is called on an actor's thread).</summary>
    public void Run(IReadOnlyCollection<SessionState> sessions, IActorRef sessionRegion)
    {
        var lost = sessions.Where(s => s.IsLive && Session.RanOn(s, nodeId, nodeName)).ToList();
        Completion = SweepAsync(lost, sessionRegion);
    }

    private async Task SweepAsync(IReadOnlyList<SessionState> lost, IActorRef sessionRegion)
    {
        foreach (var session in lost.Where(s => s.Pid is not null))
        {
            if (endLeftover(session.Pid!.Value, session.ProcessStartTime))
            {
                Log.Warning("Ended leftover agent process {Pid} of session {SessionId}", session.Pid, session.Id);
            }
        }

        await Task.WhenAll(lost.Select(s => MarkLostAsync(s.Id, sessionRegion)));
        if (lost.Count > 0)
        {
            Log.Information("Marked {Count} session(s) of the previous run of this node as node-lost", lost.Count);
        }

        done = true;
    }

    /// <summary>Asks until the session answers: done means persisted.</summary>
    private async Task MarkLostAsync(string sessionId, IActorRef sessionRegion)
    {
        while (true)
        {
            try
            {
                await sessionRegion.Ask<SessionReply>(
                    new SessionCommandEnvelope(sessionId, new MarkNodeLost(nodeName, DateTimeOffset.UtcNow, nodeId)), askTimeout);
                return;
            }
            catch (AskTimeoutException)
            {
                Log.Warning("Session {SessionId} did not answer the node-lost sweep in time; asking again", sessionId);
            }
        }
    }
}
