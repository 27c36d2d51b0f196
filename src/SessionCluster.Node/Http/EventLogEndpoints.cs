using System.Globalization;
using SessionCluster.Actors.EventLog;
using SessionCluster.Actors.Sessions;
using SessionCluster.Agents.EventLog;
using SessionCluster.Contracts;

namespace SessionCluster.Node.Http;

/// <summary>
/// GET /api/sessions/{id}/events: a session's event log, filtered by type, after a sequence number, or its tail;
/// GET /api/events/search: entries of every session that hold a phrase.
/// </summary>
public static class EventLogEndpoints
{
    /// <summary>Longest search text accepted (characters).</summary>
    public const int MaxSearchChars = 500;

    public static void MapEventLogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Api.Sessions + "/{id}/events", Events);
        app.MapGet(Api.EventSearch, Search);
    }

    private static IResult Search(HttpRequest request, IEventLogStore store)
    {
        var (query, problem) = ParseSearch(request.Query);
        if (problem is not null)
        {
            return problem;
        }

        var hits = store.Search(query!);
        return Results.Ok(new EventSearchDto(hits.Select(h => new EventSearchHitDto(h.SessionId, h.Seq, h.At, h.Type, h.Summary, h.Snippet)).ToList()));
    }

    /// <summary>The search, or a 400 naming the parameter and what it accepts.</summary>
    public static (EventSearchQuery? Query, IResult? Problem) ParseSearch(IQueryCollection q)
    {
        foreach (var single in (string[])["q", "agent", "limit"])
        {
            if (q[single].Count > 1)
            {
                return (null, Problems.BadRequest($"{single} may be given once"));
            }
        }

        var text = q["q"].ToString().Trim();
        if (!text.Any(char.IsLetterOrDigit))
        {
            return (null, Problems.BadRequest("q must hold a word to search for (letters or digits)"));
        }

        if (text.Length > MaxSearchChars || FieldText.Utf8Bytes(text) is null || FieldText.HasControl(text))
        {
            return (null, Problems.BadRequest($"q must be one line of text of at most {MaxSearchChars} characters"));
        }

        var (types, badType) = Types(q);
        if (badType is not null)
        {
            return (null, badType);
        }

        var limit = Api.DefaultSearchHits;
        if (q.ContainsKey("limit")
            && (!int.TryParse(q["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > Api.MaxSearchHits))
        {
            return (null, Problems.BadRequest($"limit must be a whole number from 1 to {Api.MaxSearchHits}, not {FieldText.Quote(q["limit"].ToString())}"));
        }

        var agent = q["agent"].ToString().Trim();
        return (new EventSearchQuery(text, types, agent.Length == 0 ? null : agent, limit), null);
    }

    private static (IReadOnlySet<string>? Types, IResult? Problem) Types(IQueryCollection q)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in q["type"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var type = name.ToLowerInvariant();
            if (!EventLogTypes.IsKnown(type))
            {
                return (null, Problems.BadRequest($"unknown event type {FieldText.Quote(name)}; types are: {string.Join(", ", EventLogTypes.All)}"));
            }

            types.Add(type);
        }

        return (types.Count == 0 ? null : types, null);
    }

    private static async Task<IResult> Events(string id, HttpRequest request, IEventLogStore store, SessionGateway gateway)
    {
        if (SessionIds.Check(id) is { } unknown)
        {
            return unknown;
        }

        var (query, problem) = Parse(id, request.Query);
        if (problem is not null)
        {
            return problem;
        }

        if (store.Read(query!) is { } page)
        {
            return Results.Ok(ToDto(page));
        }

        // No log: a session that has not said anything yet, or no session at all (404 as the other routes).
        return await gateway.Ask(new GetSession(id), ok: _ => Results.Ok(new SessionEventsDto([], 0, 0)));
    }

    /// <summary>The query, or a 400 naming the parameter and what it accepts.</summary>
    public static (EventLogQuery? Query, IResult? Problem) Parse(string id, IQueryCollection q)
    {
        foreach (var single in (string[])["since", "tail"])
        {
            if (q[single].Count > 1)
            {
                return (null, Problems.BadRequest($"{single} may be given once"));
            }
        }

        var (types, badType) = Types(q);
        if (badType is not null)
        {
            return (null, badType);
        }

        long since = 0;
        if (q.ContainsKey("since") && !long.TryParse(q["since"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out since))
        {
            return (null, Problems.BadRequest($"since must be a sequence number (a whole number, 0 or more), not {FieldText.Quote(q["since"].ToString())}"));
        }

        int? tail = null;
        if (q.ContainsKey("tail"))
        {
            if (!int.TryParse(q["tail"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > Api.MaxEventsPerPage)
            {
                return (null, Problems.BadRequest($"tail must be a whole number from 1 to {Api.MaxEventsPerPage}, not {FieldText.Quote(q["tail"].ToString())}"));
            }

            tail = n;
        }

        return (new EventLogQuery(id, types, since, tail, Api.MaxEventsPerPage), null);
    }

    /// <summary>One entry as the events route and its stream send it.</summary>
    public static SessionEventDto ToDto(EventLogRecord e) => new(e.Seq, e.At, e.Entry.Type, e.Entry.Summary, e.Entry.Raw, e.Entry.Truncated);

    private static SessionEventsDto ToDto(EventLogPage page) => new(
        page.Events.Select(ToDto).ToList(),
        page.Head.Dropped,
        page.Head.LastSeq);
}
