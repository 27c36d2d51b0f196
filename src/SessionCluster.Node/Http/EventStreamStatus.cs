using SessionCluster.Actors.Sessions;
using SessionCluster.Domain;

namespace SessionCluster.Node.Http;

/// <summary>
/// A session's status as the event stream checks it: <paramref name="Status"/> (its wire name) and whether it is final,
/// or the <paramref name="Problem"/> a request for it would answer (404 unknown session, 503 no answer in time).
/// </summary>
public sealed record EventStreamStatus(string? Status, bool IsFinal, IResult? Problem);

/// <summary>Where the event stream learns a session's status (at most once a second per follower).</summary>
public interface IEventStreamStatusSource
{
    Task<EventStreamStatus> CheckAsync(string sessionId);
}

/// <summary>The session's own answer to GetSession, through the <see cref="SessionGateway"/>.</summary>
public sealed class GatewayEventStreamStatus(SessionGateway gateway) : IEventStreamStatusSource
{
    public async Task<EventStreamStatus> CheckAsync(string sessionId)
    {
        var ask = new GetSession(sessionId);
        return await gateway.Send(ask) switch
        {
            SessionAccepted accepted => new(accepted.State.Status.ToWire(), accepted.State.IsFinished, null),
            SessionRejected rejected => new(null, false, Problems.From(rejected.Rejection)),
            null => new(null, false, gateway.TimedOut(ask)),
            var other => new(null, false, Problems.Unavailable($"unexpected reply {other.GetType().Name}")),
        };
    }
}
