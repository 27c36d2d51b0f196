using SessionCluster.Actors.Serialization;
using SessionCluster.Domain;

namespace SessionCluster.Actors.Sessions;

/// <summary>A message for one session entity; sharding routes it by <see cref="SessionId"/>.</summary>
public interface ISessionMessage
{
    string SessionId { get; }
}

/// <summary>Asks the session to decide on a command. Replies with a <see cref="SessionReply"/>.</summary>
public sealed record SessionCommandEnvelope(string SessionId, SessionCommand Command) : ISessionMessage, ISessionClusterMessage;

/// <summary>Asks for the session's current state. Replies with a <see cref="SessionReply"/>.</summary>
public sealed record GetSession(string SessionId) : ISessionMessage, ISessionClusterMessage;

/// <summary>
/// A fact from the agent host (process started, agent session id, turn result, exit, launch failure), number
/// <paramref name="Seq"/> of its agent run. It travels by Akka.Delivery: the entity confirms it once persisted and
/// answers nothing else.
/// </summary>
public sealed record SessionFact(string SessionId, long Seq, SessionCommand Fact) : ISessionMessage, ISessionClusterMessage;

public abstract record SessionReply(string SessionId) : ISessionClusterMessage;

public sealed record SessionAccepted(string SessionId, SessionState State) : SessionReply(SessionId);

public sealed record SessionRejected(string SessionId, Rejection Rejection) : SessionReply(SessionId);
