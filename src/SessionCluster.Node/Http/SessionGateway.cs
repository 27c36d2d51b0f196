using Akka.Actor;
using Akka.Hosting;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;
using SessionCluster.Node.Hosting;

namespace SessionCluster.Node.Http;

/// <summary>How HTTP requests reach the actors: asks with the node's timeout, replies mapped to results.</summary>
public sealed class SessionGateway(
    IRequiredActor<SessionRegion> region,
    IRequiredActor<SessionDirectory> directory,
    NodeSettings settings,
    IReadOnlyCollection<string> agents,
    DatabaseProbe? database = null)
{
    public IReadOnlyCollection<string> Agents => agents;

    /// <summary>How long a permission request waits for an answer (sessioncluster.sessions.permission-timeout).</summary>
    public TimeSpan PermissionTimeout => settings.Sessions.PermissionTimeoutOrDefault;

    public Task<IResult> Ask(ISessionMessage message, Func<SessionDto, IResult> ok) =>
        Ask(message, async state => ok(await Dto(state)));

    /// <summary>One session as the API shows it, with its resume chain from the directory.</summary>
    public async Task<SessionDto> Dto(SessionState state) =>
        state.ToDto(settings.Sessions.PermissionTimeoutOrDefault, await ResumeChainOf(state));

    /// <summary>
    /// The session's resume chain, walked in the directory (bounded, cycle-safe). A session that resumed nothing needs no
    /// walk; a directory that does not answer in time leaves the steps the session itself knows.
    /// </summary>
    public async Task<IReadOnlyList<string>> ResumeChainOf(SessionState state)
    {
        if (state.ResumedFromId is not { } from)
        {
            return [state.Id];
        }

        try
        {
            return (await directory.ActorRef.Ask<ResumeChainOf>(new GetResumeChain(state.Id, from), settings.AskTimeout)).Chain;
        }
        catch (AskTimeoutException)
        {
            return [state.Id, from];
        }
    }

    public async Task<IResult> Ask(ISessionMessage message, Func<SessionState, Task<IResult>> ok) =>
        await Send(message) switch
        {
            SessionAccepted accepted => await ok(accepted.State),
            SessionRejected rejected => Problems.From(rejected.Rejection),
            null => await TimedOutAsync(message),
            var other => Problems.Unavailable($"unexpected reply {other.GetType().Name}"),
        };

    /// <summary>The session's reply, or null when it did not answer in time.</summary>
    public async Task<SessionReply?> Send(ISessionMessage message)
    {
        try
        {
            return await region.ActorRef.Ask<SessionReply>(message, settings.AskTimeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// A session that did not answer: when the database is down that is why (an entity whose write or recovery fails
    /// stops without answering), and the problem says so; otherwise the session was just slow.
    /// </summary>
    public async Task<IResult> TimedOutAsync(ISessionMessage message) =>
        database is not null && !await database.IsReachableAsync() ? Problems.DatabaseUnavailable(database.Name) : TimedOut(message);

    public IResult TimedOut(ISessionMessage message) =>
        Problems.Unavailable($"session {message.SessionId} did not answer within {settings.AskTimeout.TotalSeconds:0.#} s; try again")
            .WithHeader("Retry-After", "1");

    public async Task<SessionList?> List(ListSessions query)
    {
        try
        {
            return await directory.ActorRef.Ask<SessionList>(query, settings.AskTimeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
