namespace SessionCluster.Contracts;

/// <summary>
/// One entry of a session's event log. <paramref name="Type"/> is one of the event log vocabulary (text, thinking,
/// tool_use, tool_result, command, file_change, plan, question, api_retry, turn_started, turn_completed, error,
/// unknown); <paramref name="Raw"/> is the agent event's JSON, cut at 8,192 characters when <paramref name="Truncated"/>.
/// </summary>
public sealed record SessionEventDto(long Seq, DateTimeOffset At, string Type, string Summary, string Raw, bool Truncated);

/// <summary>
/// GET /api/sessions/{id}/events: the entries asked for, oldest first; <paramref name="Dropped"/> counts the entries
/// the session's log no longer has (beyond its bound, or never written), <paramref name="LastSeq"/> is the newest number given.
/// </summary>
public sealed record SessionEventsDto(IReadOnlyList<SessionEventDto> Events, long Dropped, long LastSeq);

/// <summary>One entry a search found: where (session and sequence number), what, and the words around the match in <c>[</c>brackets<c>]</c>.</summary>
public sealed record EventSearchHitDto(string SessionId, long Seq, DateTimeOffset At, string Type, string Summary, string Snippet);

/// <summary>GET /api/events/search: the entries that match, best first.</summary>
public sealed record EventSearchDto(IReadOnlyList<EventSearchHitDto> Hits);

/// <summary>The data of the event stream's final <c>end</c> event: the session's final status (completed, failed, killed, interrupted).</summary>
public sealed record EventStreamEndDto(string Status);

/// <summary>The data of a <c>dropped</c> event: why the node stopped sending to this client, and how to go on.</summary>
public sealed record EventStreamDroppedDto(string Reason);
