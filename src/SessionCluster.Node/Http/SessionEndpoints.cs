using System.Collections.Immutable;
using System.Text.Json;
using Akka.Hosting;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>The /api/sessions routes: validate what Decide cannot know (this node's agents and files), then ask the session.</summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Api.Sessions);
        api.MapPost("", Launch);
        api.MapGet("", List);
        api.MapGet("/{id}", (string id, SessionGateway gateway) => gateway.Ask(new GetSession(id), ok: Results.Ok));
        api.MapPost("/{id}/respond", Respond);
        api.MapPost("/{id}/interrupt", (string id, SessionGateway gateway) =>
            gateway.Ask(new SessionCommandEnvelope(id, new Interrupt(DateTimeOffset.UtcNow)), ok: Results.Ok));
        api.MapPost("/{id}/kill", (string id, SessionGateway gateway) =>
            gateway.Ask(new SessionCommandEnvelope(id, new Domain.Kill(DateTimeOffset.UtcNow)), ok: Results.Ok));
        api.MapPost("/{id}/resume", Resume);
    }

    private static async Task<IResult> Launch(HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        var (body, problem) = await ReadBody<LaunchSessionRequest>(request);
        if (problem is not null)
        {
            return problem;
        }

        var invalid = LaunchValidation.Check(body!, settings, gateway.Agents);
        if (invalid is not null)
        {
            return invalid;
        }

        var id = NewSessionId();
        var launch = new LaunchSession(
            id,
            string.IsNullOrWhiteSpace(body!.Name) ? $"{body.Agent}-{id}" : body.Name.Trim(),
            body.Agent!,
            body.Prompt!,
            Path.GetFullPath(body.Workdir!),
            string.IsNullOrWhiteSpace(body.Model) ? null : body.Model,
            body.MultiTurn ?? true,
            body.MaxAutoResponds ?? settings.DefaultMaxAutoResponds,
            (body.Env ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal),
            null,
            DateTimeOffset.UtcNow);
        return await gateway.Ask(new SessionCommandEnvelope(id, launch), ok: Created);
    }

    private static async Task<IResult> List(string? status, string? agent, SessionGateway gateway)
    {
        var statuses = new HashSet<SessionStatus>();
        foreach (var name in (status ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!WireNames.TryParseStatus(name, out var parsed))
            {
                return Problems.BadRequest($"unknown status '{name}'; statuses are: {string.Join(", ", WireNames.AllStatuses)}");
            }

            statuses.Add(parsed);
        }

        var list = await gateway.List(new ListSessions(statuses, string.IsNullOrWhiteSpace(agent) ? null : agent));
        return list is null
            ? Problems.Unavailable("the session directory did not answer in time; try again")
            : Results.Ok(list.Sessions.Select(s => s.ToDto()));
    }

    private static async Task<IResult> Respond(string id, HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        var (body, problem) = await ReadBody<RespondRequest>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Message))
        {
            return Problems.BadRequest("message is required");
        }

        if (LaunchValidation.TooLarge("message", body.Message, settings) is { } tooLarge)
        {
            return tooLarge;
        }

        return await gateway.Ask(new SessionCommandEnvelope(id, new Respond(body.Message, body.Auto, DateTimeOffset.UtcNow)), ok: Results.Ok);
    }

    private static async Task<IResult> Resume(string id, HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        var (body, problem) = request.ContentLength is 0 or null && !request.Headers.ContainsKey("Transfer-Encoding")
            ? (new ResumeRequest(), null)
            : await ReadBody<ResumeRequest>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Prompt is { } prompt && LaunchValidation.TooLarge("prompt", prompt, settings) is { } tooLarge)
        {
            return tooLarge;
        }

        var newId = NewSessionId();
        return await gateway.Ask(
            new SessionCommandEnvelope(id, new Domain.Resume(newId, DateTimeOffset.UtcNow)),
            ok: async from => await gateway.Ask(
                new SessionCommandEnvelope(newId, Session.ResumeLaunch(from, newId, body.Prompt, DateTimeOffset.UtcNow)),
                ok: Created));
    }

    private static IResult Created(SessionDto session) => Results.Created(Api.Session(session.Id), session);

    private static string NewSessionId() => Guid.NewGuid().ToString("N")[..12];

    private static async Task<(T? Body, IResult? Problem)> ReadBody<T>(HttpRequest request) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Api.Json, request.HttpContext.RequestAborted);
            return body is null ? (null, Problems.BadRequest("the request body is empty; send a JSON object")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"malformed JSON body: {ex.Message}"));
        }
    }
}
