using System.Globalization;
using SessionCluster.Contracts;

namespace SessionCluster.Cli;

public sealed partial class ApiClient
{
    /// <summary>One page of a session's event log (GET /api/sessions/{id}/events): of these types, after <paramref name="since"/>, or its last <paramref name="tail"/>.</summary>
    public Task<ApiResponse<SessionEventsDto>> EventsAsync(
        string id, IReadOnlyCollection<string> types, long? since, int? tail, CancellationToken ct)
    {
        var path = Api.SessionEvents(id) + EventsQuery(types, since, tail);
        return SendAsync(HttpMethod.Get, path, null, null, static () => WireJson.Default.SessionEventsDto, ct);
    }

    /// <summary>The query of the events route and its stream: "?type=...&amp;since=...&amp;tail=...", or empty.</summary>
    private static string EventsQuery(IReadOnlyCollection<string> types, long? since, int? tail)
    {
        var query = new List<string>();
        if (types.Count > 0)
        {
            query.Add("type=" + Uri.EscapeDataString(string.Join(',', types)));
        }

        if (since is { } after)
        {
            query.Add("since=" + after.ToString(CultureInfo.InvariantCulture));
        }

        if (tail is { } n)
        {
            query.Add("tail=" + n.ToString(CultureInfo.InvariantCulture));
        }

        return query.Count > 0 ? "?" + string.Join('&', query) : string.Empty;
    }

    /// <summary>Entries of every session that hold <paramref name="text"/> (GET /api/events/search), best first.</summary>
    public Task<ApiResponse<EventSearchDto>> SearchAsync(
        string text, IReadOnlyCollection<string> types, string? agent, int? limit, CancellationToken ct)
    {
        var query = new List<string> { "q=" + Uri.EscapeDataString(text) };
        if (types.Count > 0)
        {
            query.Add("type=" + Uri.EscapeDataString(string.Join(',', types)));
        }

        if (!string.IsNullOrWhiteSpace(agent))
        {
            query.Add("agent=" + Uri.EscapeDataString(agent));
        }

        if (limit is { } n)
        {
            query.Add("limit=" + n.ToString(CultureInfo.InvariantCulture));
        }

        return SendAsync(HttpMethod.Get, Api.EventSearch + "?" + string.Join('&', query), null, null, static () => WireJson.Default.EventSearchDto, ct);
    }
}
