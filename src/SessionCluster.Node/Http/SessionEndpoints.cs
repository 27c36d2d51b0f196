using System.Collections.Immutable;
using System.Text.Json;
using SessionCluster.Actors.Directory;
using SessionCluster.Actors.Sessions;
using SessionCluster.Contracts;
using SessionCluster.Domain;
using SessionCluster.Node.Configuration;

namespace SessionCluster.Node.Http;

/// <summary>The /api/sessions routes: validate what Decide cannot know (this node's agents and files), then ask the session.</summary>
public static class SessionEndpoints
{
    /// <summary>Set on the 200 that answers a retried launch or resume with the session its key made.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Api.Sessions);
        api.MapPost("", Launch);
        api.MapGet("", List);
        api.MapGet("/{id}", (string id, SessionGateway gateway) =>
            SessionIds.Check(id) is { } unknown
                ? Task.FromResult(unknown)
                : gateway.Ask(new GetSession(id), ok: async state => Results.Ok(await gateway.Dto(state))));
        api.MapPost("/{id}/respond", Respond);
        api.MapPost("/{id}/interrupt", (string id, SessionGateway gateway) =>
            SessionIds.Check(id) is { } unknown
                ? Task.FromResult(unknown)
                : gateway.Ask(new SessionCommandEnvelope(id, new Interrupt(DateTimeOffset.UtcNow)), ok: Results.Ok));
        api.MapPost("/{id}/kill", (string id, SessionGateway gateway) =>
            SessionIds.Check(id) is { } unknown
                ? Task.FromResult(unknown)
                : gateway.Ask(new SessionCommandEnvelope(id, new Domain.Kill(DateTimeOffset.UtcNow)), ok: Results.Ok));
        api.MapPost("/{id}/resume", Resume);
        api.MapPost("/{id}/permission", AnswerPermission);
    }

    /// <summary>Allows or denies the session's pending permission request; 409 with the reason when none is pending.</summary>
    private static async Task<IResult> AnswerPermission(string id, HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        if (SessionIds.Check(id) is { } unknown)
        {
            return unknown;
        }

        var (body, problem) = await ReadBody<PermissionAnswerRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        var allow = body!.Decision?.Trim().ToLowerInvariant() switch
        {
            Api.Allow => true,
            Api.Deny => false,
            _ => (bool?)null,
        };
        if (allow is null)
        {
            return Problems.BadRequest(
                $"decision must be \"{Api.Allow}\" or \"{Api.Deny}\", not {(body.Decision is null ? "missing" : FieldText.Quote(body.Decision))}");
        }

        if (body.Message is { } message && message.Length > ApiLimits.MaxPermissionMessageChars)
        {
            return Problems.BadRequest($"message is {message.Length} characters; the limit is {ApiLimits.MaxPermissionMessageChars}");
        }

        if (body.Message is { } text && LaunchValidation.CheckText("message", text, settings) is { } badMessage)
        {
            return badMessage;
        }

        var answer = new Domain.AnswerPermission(
            null, allow.Value, string.IsNullOrWhiteSpace(body.Message) ? null : body.Message, body.Remember, Domain.AnswerPermission.ByApi, DateTimeOffset.UtcNow);
        return await gateway.Ask(new SessionCommandEnvelope(id, answer), ok: Results.Ok);
    }

    private static async Task<IResult> Launch(HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        var (key, badKey) = IdempotencyKey.Read(request);
        if (badKey is not null)
        {
            return badKey;
        }

        var (body, problem) = await ReadBody<LaunchSessionRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        var invalid = LaunchValidation.Check(body!, settings, gateway.Agents);
        if (invalid is not null)
        {
            return invalid;
        }

        var id = key is null ? SessionIds.New() : IdempotencyKey.LaunchId(key);
        // The node's default mode is resolved here, so the journal holds the mode the session really ran in.
        var mode = body!.PermissionMode is { } named && WireNames.TryParsePermissionMode(named, out var parsed)
            ? parsed
            : settings.DefaultPermissionMode(body.Agent!);
        var launch = new LaunchSession(
            id,
            string.IsNullOrWhiteSpace(body.Name) ? $"{body.Agent}-{id}" : body.Name.Trim(),
            new LaunchSpec(
                body.Agent!,
                body.Prompt!,
                Path.GetFullPath(body.Workdir!),
                string.IsNullOrWhiteSpace(body.Model) ? null : body.Model,
                body.MultiTurn ?? true,
                body.MaxAutoResponds ?? settings.DefaultMaxAutoResponds,
                (body.Env ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal),
                mode,
                Channel: body.Channel,
                AutoResume: body.AutoResume ?? false,
                Node: string.IsNullOrWhiteSpace(body.Node) ? null : body.Node.Trim()),
            DateTimeOffset.UtcNow);
        return await Start(launch, key, gateway);
    }

    private static async Task<IResult> List(HttpRequest request, SessionGateway gateway)
    {
        var statuses = new HashSet<SessionStatus>();
        foreach (var name in request.Query["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!WireNames.TryParseStatus(name, out var parsed))
            {
                return Problems.BadRequest($"unknown status {FieldText.Quote(name)}; statuses are: {string.Join(", ", WireNames.AllStatuses)}");
            }

            statuses.Add(parsed);
        }

        if (request.Query["agent"].Count > 1 || request.Query["limit"].Count > 1 || request.Query["cursor"].Count > 1)
        {
            return Problems.BadRequest("give agent, limit and cursor at most once each");
        }

        var agent = request.Query["agent"].ToString();
        var limitText = request.Query["limit"].ToString();
        var limit = ApiLimits.DefaultPageSize;
        if (limitText.Length > 0
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > ApiLimits.MaxPageSize))
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {ApiLimits.MaxPageSize}, not {FieldText.Quote(limitText)}");
        }

        var cursorText = request.Query["cursor"].ToString();
        ListPosition? after = null;
        if (cursorText.Length > 0 && (after = SessionCursor.Decode(cursorText)) is null)
        {
            return Problems.BadRequest($"cursor {FieldText.Quote(cursorText)} is not one this node gave out; list again without it");
        }

        var list = await gateway.List(new ListSessions(statuses, string.IsNullOrWhiteSpace(agent) ? null : agent, limit, after));
        if (list is null)
        {
            return Problems.Unavailable("the session directory did not answer in time; try again").WithHeader("Retry-After", "1");
        }

        var page = Results.Ok(list.Sessions.Select(s => s.ToListDto()).ToList());
        return list.HasMore
            ? page.WithHeader("Link", $"<{NextPage(statuses, agent, limit, list.Sessions[^1])}>; rel=\"next\"")
            : page;
    }

    private static async Task<IResult> Respond(string id, HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        if (SessionIds.Check(id) is { } unknown)
        {
            return unknown;
        }

        var (body, problem) = await ReadBody<RespondRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Message))
        {
            return Problems.BadRequest("message is required");
        }

        if (LaunchValidation.CheckText("message", body.Message, settings) is { } badMessage)
        {
            return badMessage;
        }

        return await gateway.Ask(new SessionCommandEnvelope(id, new Respond(body.Message, body.Auto, DateTimeOffset.UtcNow)), ok: Results.Ok);
    }

    /// <summary>
    /// Checks the resume against the old session's state and the launch it derives (as a launch is checked), then sends
    /// the one <see cref="Domain.Resume"/> command: the old session records the link, launches the new session and
    /// answers with it.
    /// </summary>
    /// <remarks>
    /// The checks stay here, on the state read first, because they need what only this node knows (its agents, its
    /// files) and must pass before anything is persisted. The state cannot move under them: only a finished session can be
    /// resumed, a finished session stays finished, and its launch (all the derived launch is made of, with the prompt and
    /// the new id given here) never changes after its first event; the entity decides again and refuses what changed.
    /// </remarks>
    private static async Task<IResult> Resume(string id, HttpRequest request, SessionGateway gateway, NodeSettings settings)
    {
        if (SessionIds.Check(id) is { } unknown)
        {
            return unknown;
        }

        var (key, badKey) = IdempotencyKey.Read(request);
        if (badKey is not null)
        {
            return badKey;
        }

        var (body, problem) = request.ContentLength is 0 or null && !request.Headers.ContainsKey("Transfer-Encoding")
            ? (new ResumeRequest(), null)
            : await ReadBody<ResumeRequest>(request, settings);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Prompt is { } prompt && LaunchValidation.CheckText("prompt", prompt, settings) is { } badPrompt)
        {
            return badPrompt;
        }

        var get = new GetSession(id);
        var reply = await gateway.Send(get);
        if (reply is not SessionAccepted { State: var from })
        {
            return reply is SessionRejected rejectedGet ? Problems.From(rejectedGet.Rejection) : gateway.TimedOut(get);
        }

        // A new id is new: random, or derived from the key and this session (a retry reaches the session it made).
        var newId = key is null ? SessionIds.New() : IdempotencyKey.ResumeId(id, key);
        var command = new Domain.Resume(newId, DateTimeOffset.UtcNow, body.Prompt);
        var check = Session.Decide(from, command);
        if (check.Rejection is { } refused)
        {
            return Problems.From(refused);
        }

        // A retry (recorded already, so nothing new) is not checked again: its session exists, and is the answer.
        var launch = Session.ResumeLaunch(from, newId, body.Prompt, command.At);
        if (check.Events.Count > 0 && LaunchValidation.Check(launch, settings, gateway.Agents) is { } invalid)
        {
            return invalid;
        }

        // The old session answers with the new one: accepted when this request made it, AlreadyExists to a retry.
        var resume = new SessionCommandEnvelope(id, command);
        return await gateway.Send(resume) switch
        {
            SessionAccepted { State: var made } => Created(await gateway.Dto(made)),
            SessionRejected { Rejection.Code: RejectionCode.AlreadyExists } when key is not null => await Replay(launch, gateway),
            SessionRejected rejected => Problems.From(rejected.Rejection),
            null => gateway.TimedOut(resume),
            var other => Problems.Unavailable($"unexpected reply {other.GetType().Name}"),
        };
    }

    /// <summary>Launches; with a key, a session that already exists is the answer to a retry (200) or a reused key (422).</summary>
    private static async Task<IResult> Start(LaunchSession launch, string? key, SessionGateway gateway)
    {
        var envelope = new SessionCommandEnvelope(launch.Id, launch);
        return await gateway.Send(envelope) switch
        {
            SessionAccepted accepted => Created(await gateway.Dto(accepted.State)),
            SessionRejected { Rejection.Code: RejectionCode.AlreadyExists } when key is not null => await Replay(launch, gateway),
            SessionRejected rejected => Problems.From(rejected.Rejection),
            null => gateway.TimedOut(envelope),
            var other => Problems.Unavailable($"unexpected reply {other.GetType().Name}"),
        };
    }

    private static async Task<IResult> Replay(LaunchSession launch, SessionGateway gateway)
    {
        var get = new GetSession(launch.Id);
        return await gateway.Send(get) switch
        {
            SessionAccepted { State: var existing } => IdempotentReplay.Difference(existing, launch) is { } field
                ? Problems.KeyReused(
                    $"this {Api.IdempotencyKeyHeader} already made session {existing.Id} from a different request ({field} differs); " +
                    "send a new key for a new session")
                : Results.Ok(await gateway.Dto(existing)).WithHeader(ReplayedHeader, "true"),
            SessionRejected rejected => Problems.From(rejected.Rejection),
            null => gateway.TimedOut(get),
            var other => Problems.Unavailable($"unexpected reply {other.GetType().Name}"),
        };
    }

    private static string NextPage(IReadOnlySet<SessionStatus> statuses, string agent, int limit, SessionState last)
    {
        var query = new List<string>();
        if (statuses.Count > 0)
        {
            query.Add("status=" + string.Join(',', statuses.Select(s => s.ToWire())));
        }

        if (!string.IsNullOrWhiteSpace(agent))
        {
            query.Add("agent=" + Uri.EscapeDataString(agent));
        }

        query.Add($"limit={limit}");
        query.Add("cursor=" + SessionCursor.Encode(ListPosition.Of(last)));
        return $"{Api.Sessions}?{string.Join('&', query)}";
    }

    private static IResult Created(SessionDto session) => Results.Created(Api.Session(session.Id), session);

    internal static async Task<(T? Body, IResult? Problem)> ReadBody<T>(HttpRequest request, NodeSettings settings) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Api.Json, request.HttpContext.RequestAborted);
            return body is null ? (null, Problems.BadRequest("the request body is empty; send a JSON object")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"malformed JSON body: {FirstLine(ex.Message)}"));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's refusal while the body was read: too large, too slow, cut short.
            return (null, Problems.From(ex, settings.HttpLimits));
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
